import CoreMetrics
public import Logging
public import ZooterRPC
public import ServiceLifecycle
import UnixSignals

/// Runs a service's gRPC server until SIGTERM or SIGINT, then drains it and returns (exit 0).
public enum ServiceRunner {
    public static func run(_ server: GRPCServer, logger: Logger) async throws {
        try await run([server], logger: logger)
    }

    /// Runs services together. On SIGTERM they stop in reverse order, so list the gRPC server
    /// last: it drains its calls first, then the batchers and pools behind it stop.
    public static func run(_ services: [any Service], logger: Logger) async throws {
        let tlsServers = services.compactMap { $0 as? GRPCServer }.filter { $0.configuration.tls != nil }
        // First, so it stops last; with no TLS server, SIGHUP keeps its default (terminate).
        let reloader: [any Service] = tlsServers.isEmpty ? [] : [TLSReloadOnHangup(servers: tlsServers, logger: logger)]
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: (reloader + services).map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// Sets up a service process once, for `main`: logging to stderr in `--log-format` at
    /// `--log-level`, and with `--metrics-port` the Prometheus backend and its HTTP endpoint,
    /// which is returned to be run first (so it stops last and is scraped while calls drain).
    public static func bootstrap(_ options: ServerOptions, label: String) -> (logger: Logger, services: [any Service]) {
        bootstrap(options.observability, label: label)
    }

    /// The same for a process whose options are not `ServerOptions` (the HTTP gateway).
    public static func bootstrap(_ options: ObservabilityOptions, label: String) -> (logger: Logger, services: [any Service]) {
        let level = Logger.Level(rawValue: options.logLevel.lowercased()) ?? .info
        let json = options.logFormat == "json"
        LoggingSystem.bootstrap { label in
            if json { return JSONLogHandler(label: label, level: level) }
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: label)
        guard let port = options.metricsPort else { return (logger, []) }
        let factory = CatalogMetricsFactory()
        MetricsSystem.bootstrap(factory)
        return (logger, [MetricsEndpoint(host: options.metricsHost, port: port, registry: factory.registry, logger: logger)])
    }
}
