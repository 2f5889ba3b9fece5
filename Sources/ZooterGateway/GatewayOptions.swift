public import ArgumentParser
public import ZooterServiceKit

/// The gateway's command-line options: where it listens and how (TLS, limits on connections),
/// logging and metrics. What it forwards to lives in the configuration file (`--config`).
public struct GatewayOptions: ParsableArguments, Sendable {
    @Option(help: "The gateway configuration file (JSON; docs/gateway.md): router, experts, fallback, limits, tenants.")
    public var config: String

    @Option(help: "Address to listen on (0.0.0.0 in containers).")
    public var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free port and logs it.")
    public var port = 8080

    @Flag(name: .customLong("allow-anonymous"), help: "Serve callers without an API key when the configuration names no tenants_file.")
    public var allowAnonymous = false

    @Option(name: .customLong("idle-seconds"), help: "Close client connections idle for this long (also bounds a client that sends its request slowly).")
    public var idleSeconds = 75

    @Option(name: .customLong("tls-cert"), help: "PEM certificate chain: serve HTTPS (needs --tls-key).")
    public var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert (unencrypted).")
    public var tlsKey: String?

    @Option(name: .customLong("tls-reload-seconds"), help: "Check the TLS files for changes this often and reload them (0: only on SIGHUP).")
    public var tlsReloadSeconds = 60

    @Flag(help: "Serve plain HTTP on a non-loopback --host (behind a TLS-terminating proxy or on a trusted network).")
    public var plaintext = false

    @OptionGroup public var observability: ObservabilityOptions

    public init() {}

    public func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be in 0...65535") }
        guard idleSeconds > 0 else { throw ValidationError("--idle-seconds must be positive") }
        try observability.checkDistinct(fromPort: port, host: host, protocolName: "the gateway's HTTP")
        guard (tlsCert == nil) == (tlsKey == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        guard tlsReloadSeconds >= 0 else { throw ValidationError("--tls-reload-seconds must be 0 or more") }
        if plaintext && tlsCert != nil { throw ValidationError("--plaintext and --tls-cert contradict each other") }
        // Plaintext only when asked for: API keys and prompts cross this connection.
        if tlsCert == nil && !plaintext && !NetworkAddress.isLoopback(host) {
            throw ValidationError("--host \(host) is reachable from other machines: pass --tls-cert and --tls-key, or --plaintext to serve plain HTTP")
        }
    }
}
