/// A failed call: the gRPC status a caller sees, with a message that says what to fix.
public struct RPCError: Error, Sendable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    /// Trailing metadata sent with (server) or received with (client) the status.
    public var metadata: Metadata
    /// The underlying error, if this one wraps another layer's (kept for logs, never sent).
    public var cause: (any Error & Sendable)?
    /// The limit this refusal enforces, if any: the server counts and logs it (`LimitCounters`).
    public var limit: Limit?
    /// Set for an unexpected error (a server bug): the id the reply and the server's log share.
    public internal(set) var incident: String?

    public init(code: StatusCode, message: String, metadata: Metadata = Metadata(), cause: (any Error & Sendable)? = nil,
                limit: Limit? = nil) {
        self.code = code
        self.message = message
        self.metadata = metadata
        self.cause = cause
        self.limit = limit
    }

    public var description: String { "\(code): \(message)" }
}
