@_exported public import ZooterRPC
@_exported public import ZooterWire

/// A client for `zooter-router`, for Swift services that ask where a query should go:
///
/// ```swift
/// let decision = try await RouterClient.with(target: "127.0.0.1:50051") { router in
///     try await router.route("Prove that the square root of 2 is irrational.")
/// }
/// print(decision.chosen)
/// ```
///
/// `target` is `host:port`, a list of them, or a DNS name in front of several router replicas
/// (calls are spread over every address and fail over on UNAVAILABLE). Errors are `RPCError`s
/// carrying the router's gRPC status and message.
public struct RouterClient: Sendable {
    public static let serviceName = "zooter.v1.Router"
    let client: GRPCClient

    /// A router client over a `GRPCClient` the caller owns (and closes), for long-lived services
    /// such as the gateway.
    public init(client: GRPCClient) { self.client = client }

    /// Runs `body` with a client for `target` and closes its connections when `body` returns.
    public static func with<Result: Sendable>(
        target: String, configuration: ClientConfiguration = ClientConfiguration(),
        _ body: (RouterClient) async throws -> Result
    ) async throws -> Result {
        try await GRPCClient.withClient(target: target, configuration: configuration) { client in
            try await body(RouterClient(client: client))
        }
    }

    /// Where one query should go: the ranked experts and the one chosen. `costWeight` (λ) trades
    /// probability against the experts' costs; `allowedExperts` limits the choice (empty: all).
    public func route(_ query: String, costWeight: Double = 0, allowedExperts: [String] = [], requestID: String = "",
                      timeout: Duration = .seconds(10)) async throws -> RouteResponse {
        let request = RouteRequest(query: query, costWeight: costWeight, allowedExperts: allowedExperts, requestID: requestID)
        let reply = try await client.unary(path: "/\(Self.serviceName)/Route", request: request.wireBytes(), timeout: timeout)
        return try RouteResponse(wireBytes: reply.message)
    }

    /// Routes up to 256 queries in one call (one encoder batch on the router); answers in order.
    public func route(_ requests: [RouteRequest], timeout: Duration = .seconds(30)) async throws -> [RouteResponse] {
        let reply = try await client.unary(path: "/\(Self.serviceName)/RouteBatch",
                                           request: RouteBatchRequest(requests: requests).wireBytes(), timeout: timeout)
        return try RouteBatchResponse(wireBytes: reply.message).responses
    }

    /// The model the router serves (version, experts, encoder) and how many routes it answered.
    public func modelInfo(timeout: Duration = .seconds(10)) async throws -> ModelInfoResponse {
        let reply = try await client.unary(path: "/\(Self.serviceName)/ModelInfo", request: ModelInfoRequest().wireBytes(), timeout: timeout)
        return try ModelInfoResponse(wireBytes: reply.message)
    }

    /// The standard gRPC health check: SERVING once a model is loaded.
    public func health(timeout: Duration = .seconds(2)) async throws -> HealthCheckResponse.ServingStatus {
        try await HealthProbe.check(client, service: Self.serviceName, timeout: timeout)
    }
}
