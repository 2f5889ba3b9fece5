import CoreMetrics
import ZooterRPC

/// The gateway's metrics (names and meanings in `MetricCatalog`). Label values come from
/// bounded sets only: the configured experts, fixed outcome and limit names, and the endpoint
/// names below; never a path, model name or key a client sent.
struct GatewayMetrics: Sendable {
    enum Endpoint: String, Sendable { case chat, models, health, other }
    enum Outcome: String, Sendable, CaseIterable {
        case ok, clientError = "client_error", rateLimited = "rate_limited", serverError = "server_error", timeout,
             connectionError = "connection_error", tooLarge = "too_large", busy, circuitOpen = "circuit_open"
    }
    enum Limit: String, Sendable { case requestBody = "request_body", responseBody = "response_body", concurrency, budget, authentication, permission }

    let inFlight = Gauge(label: MetricCatalog.gatewayInFlight.name)
    let fallbacks = Counter(label: MetricCatalog.gatewayFallbacks.name)
    let requestDuration = Timer(label: MetricCatalog.gatewayRequestDuration.name)
    let routingDuration = Timer(label: MetricCatalog.gatewayRoutingDuration.name)

    func answered(_ endpoint: Endpoint, status: Int) {
        Counter(label: MetricCatalog.gatewayRequests.name, dimensions: [("endpoint", endpoint.rawValue), ("status", String(status))]).increment()
    }

    func attempt(_ expert: String, _ outcome: Outcome) {
        Counter(label: MetricCatalog.gatewayUpstreamAttempts.name, dimensions: [("expert", expert), ("outcome", outcome.rawValue)]).increment()
    }

    func circuit(_ expert: String, open: Bool) {
        Gauge(label: MetricCatalog.gatewayCircuitOpen.name, dimensions: [("expert", expert)]).record(open ? 1 : 0)
    }

    func tripped(_ limit: Limit) {
        Counter(label: MetricCatalog.gatewayLimitTrips.name, dimensions: [("limit", limit.rawValue)]).increment()
    }
}
