/// One method a server serves: its path and its handler over serialized messages.
///
/// Services see bytes here; the typed layer above (ZooterServiceKit) decodes and encodes them.
public struct RPCMethod: Sendable {
    /// Writes the messages of a server-streaming response, in order.
    public typealias ResponseWriter = @Sendable ([UInt8]) async throws -> Void

    enum Handler: Sendable {
        /// Trivial, non-blocking work (health checks) run directly on the connection's event loop,
        /// saving two thread hops per call. Never use it for anything that computes or waits.
        case inline(@Sendable ([UInt8], ServerContext) throws -> [UInt8])
        /// A unary handler run on the server's task group, off the event loops.
        case unary(@Sendable ([UInt8], ServerContext) async throws -> [UInt8])
        case serverStreaming(@Sendable ([UInt8], ServerContext, ResponseWriter) async throws -> Void)
        /// A bidirectional stream answered message by message on the event loop: each request
        /// message gets its response messages at once, and the call ends OK when the client
        /// half-closes. For cheap lookups only (server reflection), like `inline`.
        case conversation(@Sendable ([UInt8], ServerContext) throws -> [[UInt8]])
    }

    /// Decides from the request headers alone whether the caller may make this call; runs when
    /// HEADERS arrive, before any of the body is buffered or decoded. Throw to refuse.
    public typealias Authorizer = @Sendable (ServerContext) throws -> Void

    /// "/package.Service/Method".
    public let path: String
    let handler: Handler
    /// Checked at HEADERS (see `Authorizer`); nil: anyone may call.
    public private(set) var authorizer: Authorizer?
    /// Largest request message this method accepts, when below the server's limit: a method whose
    /// requests are small refuses a large one from its length prefix, before buffering or decoding it.
    public private(set) var maxRequestBytes: Int?
    /// A call that may stay open indefinitely (health watches): counted against its own small
    /// caps instead of the in-flight call limit that work shares.
    public private(set) var isLongLived = false

    init(path: String, handler: Handler) {
        self.path = path
        self.handler = handler
    }

    /// This method, callable only by callers `authorizer` accepts.
    public func authorized(by authorizer: @escaping Authorizer) -> RPCMethod {
        var copy = self
        copy.authorizer = authorizer
        return copy
    }

    /// This method, refusing request messages over `bytes` (RESOURCE_EXHAUSTED).
    public func limitingRequests(to bytes: Int) -> RPCMethod {
        var copy = self
        copy.maxRequestBytes = bytes
        return copy
    }

    /// This method as a long-lived stream (see `isLongLived`).
    public func longLived() -> RPCMethod {
        var copy = self
        copy.isLongLived = true
        return copy
    }

    /// The service part of the path ("package.Service").
    var serviceName: Substring { path.dropFirst().prefix(while: { $0 != "/" }) }

    public static func unary(
        _ path: String, handler: @escaping @Sendable ([UInt8], ServerContext) async throws -> [UInt8]
    ) -> RPCMethod {
        RPCMethod(path: path, handler: .unary(handler))
    }

    /// A unary method cheap enough to answer on the event loop (see `Handler.inline`).
    public static func inlineUnary(
        _ path: String, handler: @escaping @Sendable ([UInt8], ServerContext) throws -> [UInt8]
    ) -> RPCMethod {
        RPCMethod(path: path, handler: .inline(handler))
    }

    /// A bidirectional-streaming method whose every request message is answered at once, on the
    /// event loop (see `Handler.conversation`): never use it for anything that computes or waits.
    public static func inlineConversation(
        _ path: String, handler: @escaping @Sendable ([UInt8], ServerContext) throws -> [[UInt8]]
    ) -> RPCMethod {
        RPCMethod(path: path, handler: .conversation(handler))
    }

    public static func serverStreaming(
        _ path: String,
        handler: @escaping @Sendable ([UInt8], ServerContext, ResponseWriter) async throws -> Void
    ) -> RPCMethod {
        RPCMethod(path: path, handler: .serverStreaming(handler))
    }
}
