public import Logging
public import ZooterRPC
import ServiceLifecycle
import UnixSignals

/// Runs a service's gRPC server until SIGTERM or SIGINT, then drains it and returns (exit 0).
public enum ServiceRunner {
    public static func run(_ server: GRPCServer, logger: Logger) async throws {
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: server)],
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
