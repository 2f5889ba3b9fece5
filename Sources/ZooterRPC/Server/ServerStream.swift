import NIOCore

/// The server's state for one gRPC call on one HTTP/2 stream. A class, so the connection's
/// stream table is looked up once per event and never copies the state. Confined to its
/// connection's event loop, hence `@exclusivity(unchecked)` like `ServerConnectionHandler`.
final class ServerStream {
    enum Phase {
        /// Collecting the request message.
        case receiving
        /// The handler is running.
        case running
        /// A status was sent; anything else the client sends is consumed and ignored.
        case done
    }

    /// What a call holds of the connection's in-flight shares while its handler runs.
    enum Admission {
        case none
        case work
        case longLived
    }

    @exclusivity(unchecked) var phase: Phase
    @exclusivity(unchecked) var method: RPCMethod?
    @exclusivity(unchecked) var deframer: MessageDeframer
    @exclusivity(unchecked) var request: [UInt8]?
    @exclusivity(unchecked) var context: ServerContext?
    @exclusivity(unchecked) var deadlineTimer: Scheduled<Void>?
    /// Response headers went out (so a status must go in trailers, not trailers-only).
    @exclusivity(unchecked) var headersSent = false
    /// The client half-closed (END_STREAM): it sends nothing more.
    @exclusivity(unchecked) var clientEnded: Bool
    /// Request bytes counted against the connection's and the server's budgets until dispatch.
    @exclusivity(unchecked) var heldBytes = 0
    /// DATA bytes not yet returned to the peer's flow-control windows.
    @exclusivity(unchecked) var uncreditedBytes = 0
    /// When the whole request must have arrived (`requestReceiveTimeout` after the headers).
    @exclusivity(unchecked) var receiveDeadline: NIODeadline
    /// When the call is cut off whatever its grpc-timeout (`maxCallDuration`); nil for long-lived calls.
    @exclusivity(unchecked) var callDeadline: NIODeadline?
    /// When the headers arrived: the call's duration in metrics is measured from here, and its
    /// deadlines are counted from it (one clock read, not three).
    let startedAt: NIODeadline

    init(maxMessageSize: Int, clientEnded: Bool, startedAt: NIODeadline, receiveTimeout: TimeAmount) {
        self.phase = .done
        self.deframer = MessageDeframer(maxMessageSize: maxMessageSize)
        self.clientEnded = clientEnded
        self.startedAt = startedAt
        self.receiveDeadline = startedAt + receiveTimeout
    }
}
