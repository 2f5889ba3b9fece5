public import ZooterRPC
public import ZooterWire
import Synchronization

/// `grpc.health.v1.Health`: the serving status of the server ("" ) and of each named service.
public final class HealthService: Sendable {
    private struct State {
        var statuses: [String: HealthCheckResponse.ServingStatus]
        var watchers: [Int: (service: String, continuation: AsyncStream<HealthCheckResponse.ServingStatus>.Continuation)] = [:]
        var nextWatcher = 0
    }
    private let state: Mutex<State>

    /// Starts with the server ("") and each of `services` SERVING.
    public init(services: [String]) {
        var statuses: [String: HealthCheckResponse.ServingStatus] = ["": .serving]
        for service in services { statuses[service] = .serving }
        state = Mutex(State(statuses: statuses))
    }

    /// Changes a status (e.g. NOT_SERVING while no model is loaded, or while draining).
    public func set(_ service: String, _ status: HealthCheckResponse.ServingStatus) {
        let watchers = state.withLock { state in
            state.statuses[service] = status
            return state.watchers.values.filter { $0.service == service }.map(\.continuation)
        }
        for continuation in watchers { continuation.yield(status) }
    }

    /// Marks the server and every service NOT_SERVING and ends Watch streams (on drain, so load
    /// balancers stop sending before the connections close).
    public func drain() {
        let watchers = state.withLock { state in
            for key in state.statuses.keys { state.statuses[key] = .notServing }
            defer { state.watchers.removeAll() }
            return state.watchers.values.map(\.continuation)
        }
        for continuation in watchers {
            continuation.yield(.notServing)
            continuation.finish()
        }
    }

    public func status(of service: String) -> HealthCheckResponse.ServingStatus? {
        state.withLock { $0.statuses[service] }
    }

    /// A health request is one service name: anything larger is not a health check.
    static let maxRequestBytes = 1024

    /// Check and Watch, ready to register on a server.
    public var methods: [RPCMethod] {
        [
            .inlineUnary("/grpc.health.v1.Health/Check") { (request: HealthCheckRequest, _) in
                guard let status = self.status(of: request.service) else {
                    throw RPCError(code: .notFound, message: "unknown service '\(RPCError.quote(request.service))' for health checks")
                }
                return HealthCheckResponse(status: status)
            }.limitingRequests(to: Self.maxRequestBytes),
            .serverStreaming("/grpc.health.v1.Health/Watch") { (request: HealthCheckRequest, context, send: @Sendable (HealthCheckResponse) async throws -> Void) in
                let (updates, continuation) = AsyncStream.makeStream(of: HealthCheckResponse.ServingStatus.self)
                let id = self.state.withLock { state in
                    defer { state.nextWatcher += 1 }
                    state.watchers[state.nextWatcher] = (request.service, continuation)
                    return state.nextWatcher
                }
                defer { _ = self.state.withLock { $0.watchers.removeValue(forKey: id) } }
                try await send(HealthCheckResponse(status: self.status(of: request.service) ?? .serviceUnknown))
                for await status in updates {
                    if Task.isCancelled || context.isCancelled { break }
                    try await send(HealthCheckResponse(status: status))
                }
            }.longLived().limitingRequests(to: Self.maxRequestBytes),
        ]
    }
}
