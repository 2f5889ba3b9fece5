public import ArgumentParser
public import ZooterRPC
import Foundation

/// How a command-line client connects to Zooter services: TLS (with an optional client
/// certificate for mutual TLS) or, when asked for, plaintext. Shared by every trainer command
/// that calls a service.
public struct ClientSecurityOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("tls-ca"), help: "PEM CA bundle the services' certificates must chain to: connect over TLS.")
    public var caPath: String?

    @Flag(name: .customLong("tls"), help: "Connect over TLS, trusting the system's CA store.")
    public var systemTrust = false

    @Option(name: .customLong("tls-cert"), help: "PEM client certificate chain, for services that require one (mutual TLS).")
    public var certificatePath: String?

    @Option(name: .customLong("tls-key"), help: "PEM private key of --tls-cert.")
    public var keyPath: String?

    @Option(name: .customLong("tls-server-name"), help: "Name the services' certificates must carry, if not the target's host name.")
    public var serverName: String?

    @Flag(help: "Connect without TLS to targets off this machine.")
    public var plaintext = false

    public init() {}

    public var usesTLS: Bool { caPath != nil || systemTrust }

    public func validate() throws {
        guard (certificatePath == nil) == (keyPath == nil) else { throw ValidationError("--tls-cert and --tls-key go together") }
        if !usesTLS && (certificatePath != nil || serverName != nil) {
            throw ValidationError("--tls-cert and --tls-server-name need TLS: add --tls-ca FILE (or --tls for the system's CAs)")
        }
        if usesTLS && plaintext { throw ValidationError("--plaintext contradicts --tls/--tls-ca") }
    }

    /// The client configuration for these targets (comma-separated `host:port` lists; nil ones
    /// are skipped). Plaintext only when asked for: a target off loopback without TLS needs
    /// `--plaintext`.
    public func configuration(for targets: [String?], base: ClientConfiguration = ClientConfiguration()) throws -> ClientConfiguration {
        var configuration = base
        if usesTLS {
            configuration.tls = ClientTLS(caPath: caPath, certificateChainPath: certificatePath, privateKeyPath: keyPath, serverName: serverName)
            return configuration
        }
        let remote = targets.compactMap { $0 }.flatMap { $0.split(separator: ",") }
            .first { !NetworkAddress.isLoopback(NetworkAddress.host(ofTarget: $0)) }
        if let remote, !plaintext {
            throw ValidationError("\(remote.trimmingCharacters(in: .whitespaces)) is not on this machine: pass --tls-ca FILE (or --tls) to connect over TLS, or --plaintext to connect unencrypted")
        }
        return configuration
    }
}
