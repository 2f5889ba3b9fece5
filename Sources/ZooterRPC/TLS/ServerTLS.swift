/// TLS for a server: its certificate chain and key (PEM files), and optionally the CAs whose
/// client certificates it requires (mutual TLS). ALPN offers `applicationProtocols`: only `h2`
/// for gRPC (HTTP/2); the gateway's HTTP/1.1 server offers `http/1.1`.
public struct ServerTLS: Sendable, Equatable {
    public var certificateChainPath: String
    public var privateKeyPath: String
    /// When set, every client must present a certificate that chains to one of these CAs.
    public var clientCAPath: String?
    /// How often the files are checked for a change and reloaded (a rotated certificate is used
    /// for new connections without a restart); nil: only when `GRPCServer.reloadTLS()` or
    /// `ServerTLSContext.reload(logger:)` is called (every service and the gateway do on SIGHUP).
    public var reloadInterval: Duration?
    /// ALPN protocols offered, in preference order.
    public var applicationProtocols: [String]

    public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil,
                reloadInterval: Duration? = .seconds(60), applicationProtocols: [String] = ["h2"]) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.reloadInterval = reloadInterval
        self.applicationProtocols = applicationProtocols
    }

    /// The files whose contents make up the context, in a fixed order.
    public var paths: [String] { [certificateChainPath, privateKeyPath] + (clientCAPath.map { [$0] } ?? []) }
}
