public import Hummingbird
public import NIOCore

/// Hummingbird's request context plus the connection the request came on, so a handler can
/// notice the client leaving (`ClientDisconnect`).
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = CoreRequestContextStorage(source: source)
        channel = source.channel
    }
}
