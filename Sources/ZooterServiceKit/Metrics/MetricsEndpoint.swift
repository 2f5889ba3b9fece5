public import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
public import Prometheus
public import ServiceLifecycle
import Synchronization
import ZooterRPC

/// Serves the metrics in the Prometheus text format at `GET /metrics`, over plain HTTP/1.1 on
/// its own address (Prometheus's convention; the gRPC port stays gRPC only). Its own limits, since
/// anyone who reaches the port may connect: a few connections, 30 s idle, small requests.
public final class MetricsEndpoint: Service, Sendable {
    public let host: String
    public let port: Int
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    let process = ProcessMetrics()
    static let maxConnections = 32
    private let open = Atomic<Int>(0)
    public init(host: String, port: Int, registry: PrometheusCollectorRegistry, logger: Logger) {
        self.host = host
        self.port = port
        self.registry = registry
        self.logger = logger
    }

    /// The exposition as Prometheus scrapes it, process figures refreshed first.
    func exposition() -> [UInt8] {
        process.refresh()
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 64)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { [self] channel in
                    channel.eventLoop.makeCompletedFuture {
                        guard open.add(1, ordering: .relaxed).newValue <= Self.maxConnections else {
                            open.subtract(1, ordering: .relaxed)
                            throw ChannelError.ioOnClosedChannel
                        }
                        channel.closeFuture.whenComplete { _ in self.open.subtract(1, ordering: .relaxed) }
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        try pipeline.addHandler(IdleStateHandler(allTimeout: .seconds(30)))
                        try pipeline.addHandler(MetricsRequestHandler(endpoint: self))
                    }
                }
                .bind(host: host, port: port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        let bound = channel.localAddress?.port ?? port
        // A URL, not "port=N": tests and scripts read the gRPC port from the first "port=N".
        logger.info("metrics at http://\(host.contains(":") ? "[\(host)]" : host):\(bound)/metrics")
        await withGracefulShutdownHandler {
            try? await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
        try? await group.shutdownGracefully()
    }
}

/// One HTTP/1.1 connection to the metrics endpoint: `GET /metrics` (and `HEAD`), nothing else.
private final class MetricsRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let endpoint: MetricsEndpoint
    private var head: HTTPRequestHead?
    private var bodyBytes = 0

    init(endpoint: MetricsEndpoint) { self.endpoint = endpoint }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            bodyBytes = 0
        case .body(let body):
            // A scrape has no body; a client streaming one is cut off.
            bodyBytes += body.readableBytes
            if bodyBytes > 4096 { context.close(promise: nil) }
        case .end:
            guard let head else { return }
            self.head = nil
            respond(to: head, context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) } else { context.fireUserInboundEventTriggered(event) }
    }

    private func respond(to head: HTTPRequestHead, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let status: HTTPResponseStatus
        var body: [UInt8]
        var headers = HTTPHeaders()
        switch (head.method, path) {
        case (.GET, "/metrics"), (.HEAD, "/metrics"):
            status = .ok
            body = endpoint.exposition()
            // At debug level only: lets an operator (and a test) see each scrape as it happens.
            endpoint.logger.debug("metrics scraped", metadata: [
                "user_agent": "\(RPCError.quote(head.headers.first(name: "user-agent") ?? ""))"])
            headers.add(name: "content-type", value: "text/plain; version=0.0.4; charset=utf-8")
        case (.GET, "/"), (.HEAD, "/"):
            status = .ok
            body = Array("Zooter metrics: GET /metrics (Prometheus text format)\n".utf8)
            headers.add(name: "content-type", value: "text/plain; charset=utf-8")
        case (_, "/metrics"), (_, "/"):
            status = .methodNotAllowed
            body = Array("only GET and HEAD\n".utf8)
            headers.add(name: "allow", value: "GET, HEAD")
        default:
            status = .notFound
            body = Array("not found: the metrics are at /metrics\n".utf8)
        }
        headers.add(name: "content-length", value: String(body.count))
        if head.method == .HEAD { body = [] }
        let keepAlive = head.isKeepAlive
        if !keepAlive { headers.add(name: "connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
        if !body.isEmpty {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        }
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in
            if !keepAlive { context.close(promise: nil) }
        }
    }
}
