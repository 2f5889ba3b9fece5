import NIOCore
import ZooterHTTP2

extension ServerConnectionHandler {
    /// Answers the messages of a conversation call as they complete: each handler reply is sent at
    /// once, the bytes it consumed go back to the budgets and the flow-control windows, and the
    /// receive deadline restarts (each message must arrive in full within `requestReceiveTimeout`
    /// of the previous answer, so a stalled client still cannot hold the stream forever).
    func converse(_ stream: ServerStream, streamID: Int32, messages: [[UInt8]],
                  handler: @Sendable ([UInt8], ServerContext) throws -> [[UInt8]]) {
        guard !messages.isEmpty, let callContext = stream.context else { return }
        for message in messages {
            let replies: [[UInt8]]
            do {
                replies = try handler(message, callContext)
            } catch {
                return fail(streamID, RPCError(mapping: error))
            }
            for reply in replies {
                guard reply.count <= configuration.maxSendMessageSize else {
                    return fail(streamID, RPCError(code: .resourceExhausted,
                                                   message: "response message of \(reply.count) bytes exceeds the send limit of \(configuration.maxSendMessageSize) bytes"))
                }
                do {
                    if !stream.headersSent { try sendResponseHeaders(stream, streamID) }
                } catch {
                    return fail(streamID, RPCError(code: .internal, message: "cannot send response headers: \(error)"))
                }
                session?.send(streamID: streamID, bytes: framed(reply))
            }
        }
        // What is left unanswered is a partial message, still held against the budgets.
        if !stream.deframer.hasPartialMessage { release(stream, streamID: streamID) }
        stream.receiveDeadline = .now() + TimeAmount(configuration.requestReceiveTimeout)
        flushSoon()
    }
}
