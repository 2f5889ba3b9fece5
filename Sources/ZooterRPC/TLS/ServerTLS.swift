/// TLS for a server: its certificate chain and key (PEM files), and optionally the CAs whose
/// client certificates it requires (mutual TLS). ALPN offers only `h2`: gRPC is HTTP/2.
public struct ServerTLS: Sendable, Equatable {
    public var certificateChainPath: String
    public var privateKeyPath: String
    /// When set, every client must present a certificate that chains to one of these CAs.
    public var clientCAPath: String?
    /// How often the files are checked for a change and reloaded (a rotated certificate is used
    /// for new connections without a restart); nil: only when `GRPCServer.reloadTLS()` is called
    /// (services call it on SIGHUP).
    public var reloadInterval: Duration?

    public init(certificateChainPath: String, privateKeyPath: String, clientCAPath: String? = nil,
                reloadInterval: Duration? = .seconds(60)) {
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.clientCAPath = clientCAPath
        self.reloadInterval = reloadInterval
    }

    /// The files whose contents make up the context, in a fixed order.
    var paths: [String] { [certificateChainPath, privateKeyPath] + (clientCAPath.map { [$0] } ?? []) }
}
