public import ArgumentParser
public import ZooterRPC

/// The command-line options every Zooter service shares. Each limit's purpose and default is in
/// docs/security.md.
public struct ServerOptions: ParsableArguments, Sendable {
    @Option(help: "Address to listen on (0.0.0.0 in containers).")
    public var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port and logs it.")
    public var port = 0

    @Option(name: .customLong("max-message-bytes"), help: "Largest request or response message, in bytes.")
    public var maxMessageBytes = 4 << 20

    @Option(name: .customLong("max-in-flight"), help: "Calls queued or running before RESOURCE_EXHAUSTED.")
    public var maxInFlight = 4096

    @Option(name: .customLong("max-in-flight-per-connection"), help: "One connection's share of --max-in-flight.")
    public var maxInFlightPerConnection = 256

    @Option(name: .customLong("max-watches"), help: "Open health watches (long-lived calls) across the server.")
    public var maxWatches = 1024

    @Option(name: .customLong("max-watches-per-connection"), help: "Open health watches per connection.")
    public var maxWatchesPerConnection = 16

    @Option(name: .customLong("max-connections"), help: "Open connections; more are closed at accept.")
    public var maxConnections = 4096

    @Option(name: .customLong("max-connections-per-peer"), help: "Open connections from one IP address.")
    public var maxConnectionsPerPeer = 512

    @Option(name: .customLong("max-buffered-bytes-per-connection"), help: "Request bytes one connection may hold before dispatch (default: max(16 MiB, message limit + 1 MiB)).")
    public var maxBufferedBytesPerConnection: Int?

    @Option(name: .customLong("max-buffered-bytes"), help: "Request bytes all connections together may hold before dispatch (default 256 MiB).")
    public var maxBufferedBytes: Int?

    @Option(name: .customLong("request-receive-seconds"), help: "Time a request has to arrive in full after its headers.")
    public var requestReceiveSeconds = 30

    @Option(name: .customLong("max-call-seconds"), help: "Longest a call may run, whatever deadline the client sent.")
    public var maxCallSeconds = 300

    @Option(name: .customLong("drain-seconds"), help: "How long SIGTERM waits for in-flight calls before cancelling them.")
    public var drainSeconds = 10

    @Option(name: .customLong("idle-seconds"), help: "Close connections idle for this long.")
    public var idleSeconds = 300

    @OptionGroup public var observability: ObservabilityOptions

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve gRPC over TLS (needs --tls-key).")
    public var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert (unencrypted).")
    public var tlsKey: String?

    @Option(name: .customLong("tls-client-ca"), help: "PEM CA bundle: require client certificates issued by it (mutual TLS).")
    public var tlsClientCA: String?

    @Option(name: .customLong("tls-reload-seconds"), help: "Check the TLS files for changes this often and reload them (0: only on SIGHUP).")
    public var tlsReloadSeconds = 60

    @Flag(help: "Serve unencrypted h2c on a non-loopback --host (inside a network that is trusted or encrypted by other means).")
    public var plaintext = false

    public init() {}

    public var serverConfiguration: ServerConfiguration {
        var configuration = ServerConfiguration(
            host: host, port: port, maxReceiveMessageSize: maxMessageBytes, maxSendMessageSize: maxMessageBytes,
            maxInFlightCalls: maxInFlight, idleTimeout: .seconds(idleSeconds), drainTimeout: .seconds(drainSeconds))
        configuration.maxInFlightCallsPerConnection = maxInFlightPerConnection
        configuration.maxLongLivedCalls = maxWatches
        configuration.maxLongLivedCallsPerConnection = maxWatchesPerConnection
        configuration.maxConnections = maxConnections
        configuration.maxConnectionsPerPeer = maxConnectionsPerPeer
        if let maxBufferedBytesPerConnection { configuration.maxBufferedBytesPerConnection = maxBufferedBytesPerConnection }
        if let maxBufferedBytes { configuration.maxBufferedBytesTotal = maxBufferedBytes }
        configuration.requestReceiveTimeout = .seconds(requestReceiveSeconds)
        configuration.maxCallDuration = .seconds(maxCallSeconds)
        if let tlsCert, let tlsKey {
            configuration.tls = ServerTLS(certificateChainPath: tlsCert, privateKeyPath: tlsKey, clientCAPath: tlsClientCA,
                                          reloadInterval: tlsReloadSeconds > 0 ? .seconds(tlsReloadSeconds) : nil)
        }
        return configuration
    }

    public func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard (1...(1 << 30)).contains(maxMessageBytes) else { throw ValidationError("--max-message-bytes must be in 1...\(1 << 30)") }
        let positive: [(String, Int)] = [
            ("--max-in-flight", maxInFlight), ("--max-in-flight-per-connection", maxInFlightPerConnection),
            ("--max-watches", maxWatches), ("--max-watches-per-connection", maxWatchesPerConnection),
            ("--max-connections", maxConnections), ("--max-connections-per-peer", maxConnectionsPerPeer),
            ("--request-receive-seconds", requestReceiveSeconds), ("--max-call-seconds", maxCallSeconds),
            ("--idle-seconds", idleSeconds),
            ("--max-buffered-bytes-per-connection", maxBufferedBytesPerConnection ?? 1), ("--max-buffered-bytes", maxBufferedBytes ?? 1),
        ]
        for (flag, value) in positive where value <= 0 { throw ValidationError("\(flag) must be positive") }
        guard drainSeconds >= 0 else { throw ValidationError("--drain-seconds must be 0 or more") }
        try observability.checkDistinct(fromPort: port, host: host, protocolName: "gRPC")
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        if tlsClientCA != nil && tlsCert == nil { throw ValidationError("--tls-client-ca needs --tls-cert and --tls-key") }
        guard tlsReloadSeconds >= 0 else { throw ValidationError("--tls-reload-seconds must be 0 or more") }
        if plaintext && tlsCert != nil { throw ValidationError("--plaintext and --tls-cert contradict each other") }
        // Plaintext only when asked for: off loopback, unencrypted serving must be chosen.
        if tlsCert == nil && !plaintext && !NetworkAddress.isLoopback(host) {
            throw ValidationError("--host \(host) is reachable from other machines: pass --tls-cert and --tls-key, or --plaintext to serve unencrypted h2c")
        }
        if let perConnection = maxBufferedBytesPerConnection, perConnection < maxMessageBytes {
            throw ValidationError("--max-buffered-bytes-per-connection must be at least --max-message-bytes (\(maxMessageBytes))")
        }
    }
}
