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
    }

    /// "/package.Service/Method".
    public let path: String
    let handler: Handler

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

    public static func serverStreaming(
        _ path: String,
        handler: @escaping @Sendable ([UInt8], ServerContext, ResponseWriter) async throws -> Void
    ) -> RPCMethod {
        RPCMethod(path: path, handler: .serverStreaming(handler))
    }
}
