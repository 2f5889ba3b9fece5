public import ArgumentParser
import Logging

/// Logging and metrics options, shared by the gRPC services (`ServerOptions`) and the gateway.
public struct ObservabilityOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    public var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "text, or json (one object per line, with request ids and trace ids).")
    public var logFormat = "text"

    @Option(name: .customLong("metrics-port"), help: "Serve Prometheus metrics at http://HOST:PORT/metrics (0 picks a free port; default: no metrics endpoint).")
    public var metricsPort: Int?

    @Option(name: .customLong("metrics-host"), help: "Address the metrics endpoint listens on (0.0.0.0 for a Prometheus in another container).")
    public var metricsHost = "127.0.0.1"

    public init() {}

    public func validate() throws {
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format must be text or json") }
        guard Logger.Level(rawValue: logLevel.lowercased()) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let metricsPort {
            guard (0...65_535).contains(metricsPort) else { throw ValidationError("--metrics-port must be in 0...65535") }
        }
    }

    /// Refuses a metrics endpoint on the address the service itself listens on.
    public func checkDistinct(fromPort port: Int, host: String, protocolName: String) throws {
        if let metricsPort, metricsPort != 0 && metricsPort == port && metricsHost == host {
            throw ValidationError("--metrics-port must differ from --port: the metrics endpoint speaks HTTP/1.1, not \(protocolName)")
        }
    }
}
