/// TLS for a client: whom to trust, and optionally the client's own certificate (mutual TLS).
public struct ClientTLS: Sendable, Equatable {
    /// PEM bundle of the CAs the server's certificate must chain to; nil: the system's trust store.
    public var caPath: String?
    /// The client's certificate chain and key, for servers that require one.
    public var certificateChainPath: String?
    public var privateKeyPath: String?
    /// The name the server's certificate must carry (and the SNI sent); nil: the host name of the
    /// target, or for a numeric address, the address itself.
    public var serverName: String?

    public init(caPath: String? = nil, certificateChainPath: String? = nil, privateKeyPath: String? = nil,
                serverName: String? = nil) {
        self.caPath = caPath
        self.certificateChainPath = certificateChainPath
        self.privateKeyPath = privateKeyPath
        self.serverName = serverName
    }
}
