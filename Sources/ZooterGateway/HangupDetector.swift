import NIOCore

/// Notices a client that hangs up while its response is being prepared, so the call to the
/// expert can be cancelled at once (`ClientDisconnect`) instead of running to its timeout.
///
/// NIO's HTTP/1.1 server stops reading a connection while a response is pending (pipelining
/// back-pressure), so the client's FIN would go unseen until the response is written. This
/// handler, closest to the socket (after TLS), keeps one read outstanding in the meantime, as Go's
/// HTTP server does. Bytes that arrive early (a pipelined next request) are held, up to
/// `maxHeldBytes`, and handed on when the HTTP layer asks for them; past that it stops reading
/// ahead. An end of input closes the connection, as Go's server cancels a request on it: a
/// client that half-closes and still waits for its answer is not served (none of OpenAI's do).
final class HangupDetector: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = IOData
    typealias OutboundOut = IOData

    static let maxHeldBytes = 64 << 10

    /// The HTTP layer asked for data and has not had it yet.
    private var readRequested = false
    private var held: [ByteBuffer] = []
    private var heldBytes = 0
    private var deliveredThisCycle = false

    func read(context: ChannelHandlerContext) {
        readRequested = true
        if !held.isEmpty {
            let buffers = held
            held = []
            heldBytes = 0
            readRequested = false
            for buffer in buffers { context.fireChannelRead(wrapInboundOut(buffer)) }
            context.fireChannelReadComplete()
            return
        }
        context.read()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        if readRequested {
            deliveredThisCycle = true
            context.fireChannelRead(wrapInboundOut(buffer))
        } else {
            held.append(buffer)
            heldBytes += buffer.readableBytes
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if deliveredThisCycle {
            deliveredThisCycle = false
            readRequested = false
            context.fireChannelReadComplete()
        }
        guard !readRequested else { return }
        // First let the HTTP layer ask for more, as auto-read would (our own outstanding read
        // below would otherwise keep the channel from asking it); held bytes go to it then.
        context.channel.read()
        // It is busy with a response: read ahead ourselves, to see a hangup, within the bound.
        if !readRequested && heldBytes < Self.maxHeldBytes { context.read() }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            // The client closed its side. OpenAI-style clients never half-close and then wait
            // for an answer, so this is a client that left: close, which cancels its request.
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
