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

    /// What a call holds of the connection's in-flight shares while its handler runs.
    enum Admission {
        case none
        case work
        case longLived
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
    /// Request bytes counted against the connection's and the server's budgets until dispatch.
    var heldBytes = 0
    /// DATA bytes not yet returned to the peer's flow-control windows.
    var uncreditedBytes = 0
    /// When the whole request must have arrived (`requestReceiveTimeout` after the headers).
    var receiveDeadline: NIODeadline
    /// When the call is cut off whatever its grpc-timeout (`maxCallDuration`); nil for long-lived calls.
    var callDeadline: NIODeadline?
    /// When the headers arrived: the call's duration in metrics is measured from here.
    let startedAt = NIODeadline.now()

    init(maxMessageSize: Int, clientEnded: Bool, receiveDeadline: NIODeadline) {
        self.phase = .done
        self.deframer = MessageDeframer(maxMessageSize: maxMessageSize)
        self.clientEnded = clientEnded
        self.receiveDeadline = receiveDeadline
    }
}
