/// One caller of the gateway: the key it authenticates with (kept only as a SHA-256 digest) and
/// its policy.
public struct Tenant: Sendable, Equatable {
    public struct Budget: Sendable, Equatable {
        /// Length of the fixed window the budget resets after.
        public var window: Duration
        /// Requests admitted per window (nil: no request limit).
        public var maxRequests: Int?
        /// Estimated USD spent per window (nil: no cost limit); see `ExpertEndpoint` for the estimate.
        public var maxCostUSD: Double?
    }

    public var name: String
    /// Lower-case hex SHA-256 of the API key.
    var keyDigest: String
    /// λ sent with every routed request of this tenant (0: quality only).
    public var costWeight: Double
    /// The experts this tenant may use (nil: every configured one).
    public var allowedExperts: Set<String>?
    public var budget: Budget?

    public func allows(_ expert: String) -> Bool { allowedExperts?.contains(expert) ?? true }
}

extension Tenant {
    /// The caller of a gateway without a tenants file: no budget, every expert, λ = 0.
    static let anonymous = Tenant(name: "anonymous", keyDigest: "", costWeight: 0, allowedExperts: nil, budget: nil)
}
