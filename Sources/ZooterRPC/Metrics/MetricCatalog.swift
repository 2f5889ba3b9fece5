/// One metric Zooter exports: its Prometheus name, kind, labels, meaning and (for histograms)
/// bucket bounds.
public struct MetricDefinition: Sendable, Hashable {
    public enum Kind: String, Sendable { case counter, gauge, histogram }

    public let name: String
    public let kind: Kind
    public let labels: [String]
    public let help: String
    /// Upper bounds of a histogram's buckets (seconds for durations).
    public let buckets: [Double]

    init(_ name: String, _ kind: Kind, labels: [String] = [], help: String, buckets: [Double] = []) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
        self.buckets = buckets
    }
}

/// Every metric a Zooter service exports, defined once: emitters take the name from here, the
/// Prometheus backend the help text and buckets, and a test checks that docs/deploy.md lists
/// each. Label values come only from bounded sets (registered methods, status codes, limit
/// names, the served model's experts and version), never from a query, a peer or a request id.
public enum MetricCatalog {
    /// Durations from 100 µs (a cached Route) to 60 s (a large Score batch).
    static let latencyBuckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    // MARK: gRPC server (every service)
    public static let calls = MetricDefinition(
        "zooter_rpc_calls_total", .counter, labels: ["method", "code"],
        help: "Calls finished, by method (the registered path, or \"unknown\") and gRPC status code name.")
    public static let callDuration = MetricDefinition(
        "zooter_rpc_call_duration_seconds", .histogram, labels: ["method"],
        help: "Time from a call's headers to its status, by method.", buckets: latencyBuckets)
    public static let inFlightCalls = MetricDefinition(
        "zooter_rpc_in_flight_calls", .gauge, help: "Calls whose handlers are running (health watches included).")
    public static let openConnections = MetricDefinition(
        "zooter_rpc_open_connections", .gauge, help: "HTTP/2 connections open now.")
    public static let acceptedConnections = MetricDefinition(
        "zooter_rpc_connections_accepted_total", .counter, help: "Connections accepted (refused ones count under zooter_rpc_limit_trips_total).")
    public static let limitTrips = MetricDefinition(
        "zooter_rpc_limit_trips_total", .counter, labels: ["limit"],
        help: "Requests or connections refused by a limit, by limit name (docs/security.md).")
    public static let tlsHandshakeFailures = MetricDefinition(
        "zooter_rpc_tls_handshake_failures_total", .counter,
        help: "TLS handshakes that failed (untrusted or missing client certificate, plaintext client, protocol errors).")

    // MARK: Encoder (router, reward scorer, tagger)
    public static let encoderBatchSize = MetricDefinition(
        "zooter_encoder_batch_size", .histogram, help: "Texts per encoder batch.",
        buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512])
    public static let encoderBatchDuration = MetricDefinition(
        "zooter_encoder_batch_duration_seconds", .histogram, help: "Time to encode one batch.", buckets: latencyBuckets)

    // MARK: Router
    public static let routes = MetricDefinition(
        "zooter_router_routes_total", .counter, labels: ["expert"], help: "Queries routed, by the expert chosen.")
    public static let fallbacks = MetricDefinition(
        "zooter_router_fallbacks_total", .counter, help: "Queries sent to the fallback expert because the router was not confident enough.")
    public static let modelInfo = MetricDefinition(
        "zooter_router_model_info", .gauge, labels: ["version"], help: "1 for the model version being served.")

    // MARK: Reward scorer
    public static let rewardCacheLookups = MetricDefinition(
        "zooter_reward_cache_lookups_total", .counter, labels: ["result"], help: "Score cache lookups, by result (hit or miss).")
    public static let rewardJudgeMalformed = MetricDefinition(
        "zooter_reward_judge_malformed_total", .counter, help: "Judge replies without a score from 1 to 10 (each is asked again).")

    // MARK: Gateway
    public static let gatewayRequests = MetricDefinition(
        "zooter_gateway_requests_total", .counter, labels: ["endpoint", "status"],
        help: "HTTP requests answered, by endpoint (chat, models, health, other) and HTTP status code.")
    public static let gatewayRequestDuration = MetricDefinition(
        "zooter_gateway_request_duration_seconds", .histogram,
        help: "Time from a chat request's arrival to its response head (routing, queueing and the expert's time to first byte).",
        buckets: latencyBuckets)
    public static let gatewayRoutingDuration = MetricDefinition(
        "zooter_gateway_routing_duration_seconds", .histogram, help: "Time the router took to rank the experts for one request.",
        buckets: latencyBuckets)
    public static let gatewayUpstreamAttempts = MetricDefinition(
        "zooter_gateway_upstream_attempts_total", .counter, labels: ["expert", "outcome"],
        help: "Calls to experts (and experts skipped), by configured expert and outcome (ok, client_error, rate_limited, server_error, timeout, connection_error, too_large, busy, circuit_open).")
    public static let gatewayFallbacks = MetricDefinition(
        "zooter_gateway_fallbacks_total", .counter, help: "Requests answered by an expert other than the first one in their ranking.")
    public static let gatewayCircuitOpen = MetricDefinition(
        "zooter_gateway_circuit_open", .gauge, labels: ["expert"], help: "1 while the expert's circuit breaker is open or probing.")
    public static let gatewayInFlight = MetricDefinition(
        "zooter_gateway_in_flight_requests", .gauge, help: "Chat requests in progress.")
    public static let gatewayLimitTrips = MetricDefinition(
        "zooter_gateway_limit_trips_total", .counter, labels: ["limit"],
        help: "Requests refused by a limit (request_body, response_body, concurrency, budget, authentication, permission).")

    public static let gatewayExchangesLogged = MetricDefinition(
        "zooter_gateway_exchanges_logged_total", .counter, help: "Sampled exchanges written to the exchange log.")
    public static let gatewayExchangesDropped = MetricDefinition(
        "zooter_gateway_exchanges_dropped_total", .counter, help: "Sampled exchanges dropped because the exchange log's queue was full.")
    public static let gatewayExchangesUnscored = MetricDefinition(
        "zooter_gateway_exchanges_unscored_total", .counter, help: "Exchanges logged without a reward because the reward service could not score them.")

    // MARK: Process
    public static let residentMemory = MetricDefinition(
        "process_resident_memory_bytes", .gauge, help: "Resident set size of the process (from /proc/self/statm).")
    public static let cpuSeconds = MetricDefinition(
        "process_cpu_seconds_total", .counter, help: "User and system CPU time of the process (from /proc/self/stat).")
    public static let openFileDescriptors = MetricDefinition(
        "process_open_fds", .gauge, help: "Open file descriptors of the process.")

    public static let all: [MetricDefinition] = [
        calls, callDuration, inFlightCalls, openConnections, acceptedConnections, limitTrips, tlsHandshakeFailures,
        encoderBatchSize, encoderBatchDuration, routes, fallbacks, modelInfo, rewardCacheLookups, rewardJudgeMalformed,
        gatewayRequests, gatewayRequestDuration, gatewayRoutingDuration, gatewayUpstreamAttempts, gatewayFallbacks,
        gatewayCircuitOpen, gatewayInFlight, gatewayLimitTrips, gatewayExchangesLogged, gatewayExchangesDropped, gatewayExchangesUnscored,
        residentMemory, cpuSeconds, openFileDescriptors,
    ]
}
