import NIOCore
import NIOPosix
import ZooterHTTP2

/// A test client that speaks raw HTTP/2 (our `HTTP2Session` over a NIO socket), so tests can
/// send what a real gRPC client never would: wrong methods, bad framing, garbage.
struct RawConnection {
    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let continuation: AsyncStream<[UInt8]>.Continuation
        init(_ continuation: AsyncStream<[UInt8]>.Continuation) { self.continuation = continuation }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            continuation.yield(Array(unwrapInboundIn(data).readableBytesView))
        }
        func channelInactive(context: ChannelHandlerContext) { continuation.finish() }
    }

    let channel: any Channel
    let inbound: AsyncStream<[UInt8]>

    static func connect(port: Int, group: any EventLoopGroup) async throws -> RawConnection {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, inbound: stream)
    }

    func write(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
    }

    /// Sends one request (headers, then each body chunk as its own DATA frame) and returns the
    /// header blocks the server answered with, once the stream closes.
    func call(headers: [HeaderField], body: [[UInt8]], endStream: Bool = true) async throws -> [[HeaderField]] {
        let session = try HTTP2Session(role: .client)
        let streamID = try session.request(headers: headers)
        try await write(try session.takeOutbound())
        for chunk in body {
            session.send(streamID: streamID, bytes: chunk)
            try await write(try session.takeOutbound())
        }
        if endStream { session.finish(streamID: streamID) }
        try await write(try session.takeOutbound())
        var blocks: [[HeaderField]] = []
        for await bytes in inbound {
            for event in try session.receive(bytes) {
                switch event {
                case .headers(streamID, let fields, _): blocks.append(fields)
                case .streamClosed(streamID, _): return blocks
                default: break
                }
            }
            try await write(try session.takeOutbound())
        }
        return blocks
    }
}

func grpcHeaders(path: String, method: String = "POST", contentType: String = "application/grpc",
                 extra: [HeaderField] = []) -> [HeaderField] {
    [HeaderField(":method", method), HeaderField(":scheme", "http"), HeaderField(":path", path),
     HeaderField(":authority", "127.0.0.1"), HeaderField("content-type", contentType), HeaderField("te", "trailers")] + extra
}

extension Array where Element == [HeaderField] {
    /// The grpc-status in whichever block carried it.
    var grpcStatus: String? { lazy.compactMap { $0.first(named: "grpc-status") }.first }
    var grpcMessage: String? { lazy.compactMap { $0.first(named: "grpc-message") }.first }
    var httpStatus: String? { first?.first(named: ":status") }
}
