import AsyncHTTPClient
import NIOCore
import Synchronization

/// One configured expert at run time: its endpoint, its HTTP client (own connection pool and
/// idle-read timeout), its circuit breaker and the calls in flight to it.
final class ExpertSlot: Sendable {
    let endpoint: ExpertEndpoint
    let breaker: CircuitBreaker
    let client: HTTPClient
    private let active = Atomic<Int>(0)

    init(endpoint: ExpertEndpoint, breakerFailures: Int, breakerOpen: Duration) {
        self.endpoint = endpoint
        self.breaker = CircuitBreaker(threshold: breakerFailures, openDuration: breakerOpen)
        var configuration = HTTPClient.Configuration()
        // A redirect could send the expert's API key to another host: never followed.
        configuration.redirectConfiguration = .disallow
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .seconds(min(10, max(1, Int64(endpoint.timeout.components.seconds)))),
            read: .nanoseconds(ExpertCall.nanoseconds(endpoint.timeout)))
        configuration.connectionPool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: endpoint.maxConcurrent)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    var name: String { endpoint.name }

    /// Takes one of the expert's call slots; false when all `maxConcurrent` are in use.
    func reserve() -> Bool {
        guard active.add(1, ordering: .relaxed).newValue <= endpoint.maxConcurrent else {
            active.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func release() { active.subtract(1, ordering: .relaxed) }

    func shutdown() async { try? await client.shutdown() }
}
