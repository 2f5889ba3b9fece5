import NIOCore
import NIOPosix
import Synchronization

/// One backend address and the single HTTP/2 connection to it, opened on first use and
/// reopened after it fails or the server sends GOAWAY.
final class Subchannel: Sendable {
    let host: String
    let port: Int
    let group: any EventLoopGroup
    let connectTimeout: Duration

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

    init(host: String, port: Int, group: any EventLoopGroup, connectTimeout: Duration) {
        self.host = host
        self.port = port
        self.group = group
        self.connectTimeout = connectTimeout
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
        let authority = address
        let future = ClientBootstrap(group: group)
            .connectTimeout(TimeAmount(connectTimeout))
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)  // IPPROTO_TCP, not SOL_SOCKET (= SO_DEBUG, root only)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ClientConnectionHandler(authority: authority))
                }
            }
            .connect(host: host, port: port)
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
