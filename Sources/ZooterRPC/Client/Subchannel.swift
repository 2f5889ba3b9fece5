import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// One backend address and the single HTTP/2 connection to it, opened on first use and
/// reopened after it fails or the server sends GOAWAY. With TLS, a connection counts as open
/// only once its handshake succeeded, so a certificate problem fails the call with its reason.
final class Subchannel: Sendable {
    let host: String
    let port: Int
    /// The host name `host` was resolved from, if any.
    let name: String?
    let group: any EventLoopGroup
    let connectTimeout: Duration
    let tlsContext: NIOSSLContext?
    /// The name the server's certificate must carry (nil: check the numeric address instead).
    let serverName: String?

    struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ClientConnectionHandler>
    }

    private enum State {
        case idle
        case connecting(EventLoopFuture<Connection>)
        case ready(Connection)
    }
    private let state = Mutex<State>(.idle)

    init(endpoint: GRPCClient.Endpoint, group: any EventLoopGroup, configuration: ClientConfiguration,
         tlsContext: NIOSSLContext?) {
        self.host = endpoint.host
        self.port = endpoint.port
        self.name = endpoint.name
        self.group = group
        self.connectTimeout = configuration.connectTimeout
        self.tlsContext = tlsContext
        self.serverName = configuration.tls?.serverName ?? endpoint.name
    }

    var address: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// A usable connection: the current one, or a new one.
    func connection() -> EventLoopFuture<Connection> {
        state.withLock { state in
            switch state {
            case .connecting(let future):
                return future
            case .ready(let connection) where connection.channel.isActive:
                return connection.channel.eventLoop.submit { connection.handler.value.isUsable }.flatMap { usable in
                    usable ? connection.channel.eventLoop.makeSucceededFuture(connection) : self.reconnect()
                }
            case .ready, .idle:
                let future = connect()
                state = .connecting(future)
                return future
            }
        }
    }

    private func reconnect() -> EventLoopFuture<Connection> {
        state.withLock { state in
            if case .connecting(let future) = state { return future }
            let future = connect()
            state = .connecting(future)
            return future
        }
    }

    /// Opens a connection; called with the state lock held, so it only starts work.
    private func connect() -> EventLoopFuture<Connection> {
        let authority = serverName.map { "\($0):\(port)" } ?? address
        let (tlsContext, serverName, address, timeout) = (self.tlsContext, self.serverName, self.address, self.connectTimeout)
        let future = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)  // IPPROTO_TCP, not SOL_SOCKET (= SO_DEBUG, root only)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext {
                        try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: serverName))
                        try pipeline.addHandler(TLSHandshakeWatcher(address: address, serverName: serverName, timeout: timeout))
                    }
                    try pipeline.addHandler(ClientConnectionHandler(authority: authority, scheme: tlsContext == nil ? "http" : "https"))
                }
            }
            .connect(host: host, port: port)
            .flatMap { channel in
                guard tlsContext != nil else { return channel.eventLoop.makeSucceededVoidFuture().map { channel } }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.handler(type: TLSHandshakeWatcher.self).completed
                }.flatMap { $0 }.map { channel }
            }
            .flatMapError { error in
                // Verification failed: find out why, in words, before failing the call.
                guard tlsContext != nil, let rpcError = error as? RPCError, let cause = rpcError.cause,
                      "\(cause)".contains("CERTIFICATE_VERIFY_FAILED") else {
                    return self.group.next().makeFailedFuture(error)
                }
                return CertificateDiagnosis.reason(host: self.host, port: self.port, serverName: serverName, group: self.group,
                                                   timeout: self.connectTimeout).flatMapThrowing { reason in
                    guard let reason else { throw error }
                    throw RPCError(code: .unavailable, message: "TLS handshake with \(address) failed: the server's certificate \(reason)",
                                   cause: cause)
                }
            }
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                return Connection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
            }
        future.whenComplete { result in
            self.state.withLock { state in
                guard case .connecting = state else { return }
                switch result {
                case .success(let connection): state = .ready(connection)
                case .failure: state = .idle
                }
            }
        }
        return future
    }

    func close() async {
        let channel: (any Channel)? = state.withLock { state in
            defer { state = .idle }
            if case .ready(let connection) = state { return connection.channel }
            return nil
        }
        try? await channel?.close()
    }
}
