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

    /// Bootstraps logging once, for `main`: stderr, the level from `--log-level`.
    @discardableResult
    public static func bootstrapLogging(level: String) -> Logger.Level {
        let parsed = Logger.Level(rawValue: level.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = parsed
            return handler
        }
        return parsed
    }
}
