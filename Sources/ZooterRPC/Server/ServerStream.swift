import NIOCore

/// The server's state for one gRPC call on one HTTP/2 stream. A class, so the connection's
/// stream table is looked up once per event and never copies the state.
final class ServerStream {
    enum Phase {
        /// Collecting the request message.
        case receiving
        /// The handler is running.
        case running
        /// A status was sent; anything else the client sends is consumed and ignored.
        case done
    }

    var phase: Phase
    var method: RPCMethod?
    var deframer: MessageDeframer
    var request: [UInt8]?
    var context: ServerContext?
    var deadlineTimer: Scheduled<Void>?
    /// Response headers went out (so a status must go in trailers, not trailers-only).
    var headersSent = false
    /// The client half-closed (END_STREAM): it sends nothing more.
    var clientEnded: Bool

    init(maxMessageSize: Int, clientEnded: Bool) {
        self.phase = .done
        self.deframer = MessageDeframer(maxMessageSize: maxMessageSize)
        self.clientEnded = clientEnded
    }
}
