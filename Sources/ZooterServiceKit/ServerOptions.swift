public import ArgumentParser
public import ZooterRPC

/// The command-line options every Zooter service shares.
public struct ServerOptions: ParsableArguments, Sendable {
    @Option(help: "Address to listen on (0.0.0.0 in containers).")
    public var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port and logs it.")
    public var port = 0

    @Option(name: .customLong("max-message-bytes"), help: "Largest request or response message, in bytes.")
    public var maxMessageBytes = 4 << 20

    @Option(name: .customLong("max-in-flight"), help: "Calls queued or running before RESOURCE_EXHAUSTED.")
    public var maxInFlight = 4096

    @Option(name: .customLong("drain-seconds"), help: "How long SIGTERM waits for in-flight calls.")
    public var drainSeconds = 10

    @Option(name: .customLong("idle-seconds"), help: "Close connections idle for this long.")
    public var idleSeconds = 300

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    public var logLevel = "info"

    public init() {}

    public var serverConfiguration: ServerConfiguration {
        ServerConfiguration(
            host: host, port: port, maxReceiveMessageSize: maxMessageBytes, maxSendMessageSize: maxMessageBytes,
            maxInFlightCalls: maxInFlight, idleTimeout: .seconds(idleSeconds), drainTimeout: .seconds(drainSeconds))
    }

    public func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard maxMessageBytes > 0 else { throw ValidationError("--max-message-bytes must be positive") }
        guard maxInFlight > 0 else { throw ValidationError("--max-in-flight must be positive") }
    }
}
