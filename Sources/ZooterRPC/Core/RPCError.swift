/// A failed call: the gRPC status a caller sees, with a message that says what to fix.
public struct RPCError: Error, Sendable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    /// Trailing metadata sent with (server) or received with (client) the status.
    public var metadata: Metadata
    /// The underlying error, if this one wraps another layer's (kept for logs, never sent).
    public var cause: (any Error & Sendable)?

    public init(code: StatusCode, message: String, metadata: Metadata = Metadata(), cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.metadata = metadata
        self.cause = cause
    }

    public var description: String { "\(code): \(message)" }
}
