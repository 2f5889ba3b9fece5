public import Logging
import NIOCore
import NIOPosix
import NIOSSL
public import ServiceLifecycle
import Synchronization
import ZooterHTTP2

/// A gRPC server over h2c (HTTP/2 with prior knowledge): NIO event loops for the sockets, one
/// nghttp2 session per connection, handlers on a structured task group off the loops.
///
/// Run it as a `Service`: `run()` binds, serves until graceful shutdown (SIGTERM through a
/// `ServiceGroup`, or `beginGracefulShutdown()`), then stops accepting, sends a two-phase
/// GOAWAY on every connection, drains in-flight calls for at most `drainTimeout`, and returns.
public final class GRPCServer: Service, Sendable {
    public let configuration: ServerConfiguration
    let methods: MethodTable
    let logger: Logger
    let dispatcher: CallDispatcher
    let counters = StatusCounters()
    let metrics: ServerMetrics
    /// Every limit tripped so far (also logged, rate-limited).
    public let limits: LimitCounters
    let budget: ServerBudget
    let group: MultiThreadedEventLoopGroup

    private struct State {
        var port: Int?
        var portWaiters: [CheckedContinuation<Int, any Error>] = []
        var serverChannel: (any Channel)?
        var connections: [ObjectIdentifier: any Channel] = [:]
        /// Callers of `connectionsClosed(downTo:)`, resumed as connections close.
        var connectionWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
        var shuttingDown = false
        var failure: (any Error)?
        /// Loaded by `run()` before it binds, when the configuration asks for TLS.
        var tls: ServerTLSContext?
    }
    private let state = Mutex(State())

    /// Called once when draining starts (before GOAWAY), e.g. to report NOT_SERVING to health checks.
    let onDrain: (@Sendable () -> Void)?

    public init(configuration: ServerConfiguration, methods: [RPCMethod], logger: Logger,
                onDrain: (@Sendable () -> Void)? = nil) {
        self.onDrain = onDrain
        self.configuration = configuration
        self.methods = MethodTable(methods)
        self.metrics = ServerMetrics(paths: methods.map(\.path))
        self.logger = logger
        self.dispatcher = CallDispatcher(maxInFlight: configuration.maxInFlightCalls)
        self.limits = LimitCounters(logger: logger)
        self.budget = ServerBudget(configuration: configuration)
        let threads = configuration.eventLoopThreads > 0 ? configuration.eventLoopThreads : System.coreCount
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    }

    /// The bound port, once `run()` has bound (waits for it).
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = state.withLock { state in
                if let port = state.port { return .success(port) }
                if let failure = state.failure { return .failure(failure) }
                state.portWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    public func run() async throws {
        let channel: any Channel
        do {
            if let settings = configuration.tls {
                let tls = try ServerTLSContext(settings)
                state.withLock { $0.tls = tls }
            }
            channel = try await makeBootstrap().bind(host: configuration.host, port: configuration.port).get()
        } catch {
            let waiters = state.withLock { state in
                state.failure = error
                defer { state.portWaiters = [] }
                return state.portWaiters
            }
            waiters.forEach { $0.resume(throwing: error) }
            try? await group.shutdownGracefully()
            throw error
        }
        let port = channel.localAddress?.port ?? configuration.port
        let waiters = state.withLock { state in
            state.port = port
            state.serverChannel = channel
            defer { state.portWaiters = [] }
            return state.portWaiters
        }
        waiters.forEach { $0.resume(returning: port) }
        // Logged, never used to decide anything: distro builds backport fixes without changing it.
        logger.info("listening", metadata: ["host": "\(configuration.host)", "port": "\(port)",
                                            "tls": "\(tlsDescription)", "nghttp2": "\(HTTP2Session.libraryVersion)"])
        // A shutdown requested before the bind finished found no channel to close.
        if state.withLock({ $0.shuttingDown }) { channel.close(promise: nil) }

        await withTaskCancellationOrGracefulShutdownHandler {
            await withDiscardingTaskGroup { tasks in
                tasks.addTask { await self.dispatcher.run() }
                if let tls = self.state.withLock({ $0.tls }) {
                    tasks.addTask { await tls.watch(logger: self.logger) }
                }
                try? await channel.closeFuture.get()
                // Calls still running after the drain timeout are cancelled, not waited for; the
                // certificate watcher is cancelled either way.
                _ = await self.drain()
                tasks.cancelAll()
            }
        } onCancelOrGracefulShutdown: {
            self.beginGracefulShutdown()
        }
        try? await group.shutdownGracefully()
        logger.info("stopped", metadata: ["calls": "\(callStatusCounts)", "limits": "\(limits.snapshot)"])
    }

    /// Returns once at most `count` connections are open (each close releases its budgets
    /// first), for callers that must know a close has been fully processed.
    func connectionsClosed(downTo count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.connections.count <= count { return true }
                state.connectionWaiters.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Reloads the TLS certificate, key and client CAs if their files changed: new connections
    /// use them, open ones keep the old. Throws, keeping the old ones, when the new files are
    /// unusable; does nothing for a plaintext server or before `run()` has loaded them.
    public func reloadTLS() throws(RPCError) {
        guard let tls = state.withLock({ $0.tls }) else { return }
        try tls.reload(logger: logger)
    }

    private var tlsDescription: String {
        guard let tls = configuration.tls else { return "off (plaintext h2c)" }
        return tls.clientCAPath == nil ? "on" : "on, client certificates required"
    }

    /// Calls finished so far, by status name.
    public var callStatusCounts: [String: Int] { counters.snapshot }

    /// Stops accepting and starts draining; `run()` returns when the drain is over.
    public func beginGracefulShutdown() {
        let channel = state.withLock { state -> (any Channel)? in
            guard !state.shuttingDown else { return nil }
            state.shuttingDown = true
            return state.serverChannel
        }
        guard let channel else { return }
        logger.info("shutting down: no new connections, draining calls")
        channel.close(promise: nil)
    }

    /// GOAWAY on every connection, wait until they close or the drain timeout passes, close the
    /// rest. Returns false when calls were still running at the timeout.
    private func drain() async -> Bool {
        onDrain?()
        let connections = state.withLock { Array($0.connections.values) }
        for connection in connections {
            connection.pipeline.fireUserInboundEventTriggered(GracefulShutdownEvent())
        }
        let clock = ContinuousClock()
        let deadline = clock.now + configuration.drainTimeout
        while clock.now < deadline {
            let open = state.withLock { $0.connections.count }
            if open == 0 && dispatcher.inFlightCount == 0 { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let leftovers = state.withLock { Array($0.connections.values) }
        if !leftovers.isEmpty {
            logger.info("drain timeout: closing connections", metadata: ["connections": "\(leftovers.count)"])
        }
        for connection in leftovers { try? await connection.close() }
        dispatcher.stop()
        return dispatcher.inFlightCount == 0
    }

    private func makeBootstrap() -> ServerBootstrap {
        ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)  // IPPROTO_TCP: .socketOption would set SOL_SOCKET 1 = SO_DEBUG
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try self.track(channel)
                    if let tls = self.state.withLock({ $0.tls }) {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current))
                    }
                    let handler = ServerConnectionHandler(
                        configuration: configuration, methods: methods, dispatcher: dispatcher,
                        counters: counters, metrics: metrics, budget: budget, limits: limits, logger: logger)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
    }

    /// Registers a connection so a shutdown can reach it; refuses it if shutdown has begun or
    /// the total or per-peer connection cap is reached (the socket is closed at once).
    private func track(_ channel: any Channel) throws {
        let peerHost = channel.remoteAddress?.ipAddress ?? "unknown"
        switch budget.admitConnection(from: peerHost) {
        case .accepted:
            break
        case .tooMany:
            limits.record(.connections, "\(budget.maxConnections) connections open; refused \(peerHost)")
            throw ChannelError.ioOnClosedChannel
        case .tooManyFromPeer:
            limits.record(.connectionsPerPeer, "\(peerHost) has \(budget.maxConnectionsPerPeer) connections open")
            throw ChannelError.ioOnClosedChannel
        }
        let id = ObjectIdentifier(channel)
        let accepted = state.withLock { state -> Bool in
            guard !state.shuttingDown else { return false }
            state.connections[id] = channel
            return true
        }
        guard accepted else {
            budget.releaseConnection(from: peerHost)
            throw ChannelError.ioOnClosedChannel
        }
        metrics.connectionOpened()
        channel.closeFuture.whenComplete { [self] _ in
            metrics.connectionClosed()
            budget.releaseConnection(from: peerHost)
            let ready = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.connections.removeValue(forKey: id)
                let open = state.connections.count
                defer { state.connectionWaiters.removeAll { $0.count >= open } }
                return state.connectionWaiters.filter { $0.count >= open }.map(\.continuation)
            }
            ready.forEach { $0.resume() }
        }
    }
}
