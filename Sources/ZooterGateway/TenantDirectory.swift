import Foundation
import ZooterCore

/// The API keys the gateway accepts, from the tenants file (docs/gateway.md):
///
/// ```json
/// {"tenants": [{"name": "search", "key_sha256": "<hex>", "cost_weight": 0.2,
///               "allowed_experts": ["a", "b"],
///               "budget": {"window_seconds": 60, "max_requests": 600, "max_cost_usd": 5}}]}
/// ```
///
/// Keys are kept as SHA-256 digests (`"key"` with the key itself is accepted too, for tests and
/// demos) and compared in constant time against every tenant, so neither the comparison nor the
/// position of the matching tenant tells an attacker anything.
public struct TenantDirectory: Sendable {
    public let tenants: [Tenant]
    /// Shorter keys are refused: a guessable key is no better than none.
    public static let minimumKeyLength = 16

    public init(tenants: [Tenant]) { self.tenants = tenants }

    /// The tenant whose key `authorization` (`Bearer <key>`) carries, or nil.
    public func authenticate(authorization: String?) -> Tenant? {
        guard let authorization else { return nil }
        let scheme = "bearer "
        guard authorization.count > scheme.count, authorization.prefix(scheme.count).lowercased() == scheme else { return nil }
        let key = authorization.dropFirst(scheme.count).trimmingCharacters(in: .whitespaces)
        let digest = Array(SHA256.hex(Array(key.utf8)).utf8)
        var found: Tenant?
        for tenant in tenants {
            // Every tenant is compared in full, whatever matched before.
            let expected = Array(tenant.keyDigest.utf8)
            var difference: UInt8 = expected.count == digest.count ? 0 : 1
            for i in 0..<min(expected.count, digest.count) { difference |= expected[i] ^ digest[i] }
            if difference == 0 { found = tenant }
        }
        return found
    }

    static let settings: Set<String> = ["name", "key", "key_sha256", "cost_weight", "allowed_experts", "budget"]
    static let budgetSettings: Set<String> = ["window_seconds", "max_requests", "max_cost_usd"]

    /// Reads and validates the tenants file; `experts` are the configured expert names, which
    /// `allowed_experts` must be drawn from.
    public static func load(path: String, experts: Set<String>) throws(GatewayError) -> TenantDirectory {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .configuration("cannot read the tenants file \(path): \(error.localizedDescription)")
        }
        let root = try StrictJSON.object(data, what: path)
        try StrictJSON.checkKeys(root, known: ["tenants"], in: path)
        guard let list = root["tenants"] as? [[String: Any]], !list.isEmpty else {
            throw .configuration("\(path): \"tenants\" must be a non-empty list")
        }
        var tenants: [Tenant] = []
        for (index, object) in list.enumerated() {
            let tenant = try parse(object, context: "\(path): tenants[\(index)]", experts: experts)
            guard !tenants.contains(where: { $0.name == tenant.name }) else {
                throw .configuration("\(path): tenants[\(index)]: the name \"\(tenant.name)\" is used twice")
            }
            guard !tenants.contains(where: { $0.keyDigest == tenant.keyDigest }) else {
                throw .configuration("\(path): tenants[\(index)]: \"\(tenant.name)\" has the same key as another tenant")
            }
            tenants.append(tenant)
        }
        return TenantDirectory(tenants: tenants)
    }

    static func parse(_ object: [String: Any], context: String, experts: Set<String>) throws(GatewayError) -> Tenant {
        try StrictJSON.checkKeys(object, known: settings, in: context)
        guard let name = try StrictJSON.string(object, "name", in: context), !name.isEmpty else {
            throw .configuration("\(context): \"name\" is required")
        }
        let key = try StrictJSON.string(object, "key", in: context)
        let digest = try StrictJSON.string(object, "key_sha256", in: context)?.lowercased()
        let keyDigest: String
        switch (key, digest) {
        case (let key?, nil):
            guard key.utf8.count >= minimumKeyLength else {
                throw .configuration("\(context): the key must have at least \(minimumKeyLength) characters (e.g. `openssl rand -hex 32`)")
            }
            keyDigest = SHA256.hex(Array(key.utf8))
        case (nil, let digest?):
            guard digest.utf8.count == 64, digest.allSatisfy({ $0.isHexDigit }) else {
                throw .configuration("\(context): \"key_sha256\" must be 64 hex digits (`printf %s KEY | sha256sum`)")
            }
            keyDigest = digest
        default:
            throw .configuration("\(context): give exactly one of \"key_sha256\" (recommended) and \"key\"")
        }
        let costWeight = try StrictJSON.number(object, "cost_weight", in: context) ?? 0
        guard costWeight >= 0, costWeight <= 1000 else { throw .configuration("\(context): \"cost_weight\" must be in 0...1000") }
        var allowed: Set<String>?
        if let names = try StrictJSON.strings(object, "allowed_experts", in: context) {
            if let unknown = names.first(where: { !experts.contains($0) }) {
                throw .configuration("\(context): allowed_experts names \"\(unknown)\", which is not a configured expert (\(experts.sorted().joined(separator: ", ")))")
            }
            guard !names.isEmpty else { throw .configuration("\(context): \"allowed_experts\" is empty; leave it out to allow every expert") }
            allowed = Set(names)
        }
        var budget: Tenant.Budget?
        if let limits = try StrictJSON.child(object, "budget", in: context) {
            try StrictJSON.checkKeys(limits, known: budgetSettings, in: context + ".budget")
            guard let window = try StrictJSON.integer(limits, "window_seconds", in: context + ".budget", range: 1...(31 * 86_400)) else {
                throw .configuration("\(context).budget: \"window_seconds\" is required")
            }
            let requests = try StrictJSON.integer(limits, "max_requests", in: context + ".budget", range: 0...Int(Int32.max))
            let cost = try StrictJSON.number(limits, "max_cost_usd", in: context + ".budget")
            if let cost, cost < 0 { throw .configuration("\(context).budget: \"max_cost_usd\" must be 0 or more") }
            guard requests != nil || cost != nil else {
                throw .configuration("\(context).budget: give \"max_requests\", \"max_cost_usd\" or both")
            }
            budget = Tenant.Budget(window: .seconds(window), maxRequests: requests, maxCostUSD: cost)
        }
        return Tenant(name: name, keyDigest: keyDigest, costWeight: costWeight, allowedExperts: allowed, budget: budget)
    }
}
