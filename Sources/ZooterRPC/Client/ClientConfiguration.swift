/// How a client connects and the limits it enforces.
public struct ClientConfiguration: Sendable {
    /// Largest response message accepted (from its length prefix) → RESOURCE_EXHAUSTED above it.
    public var maxReceiveMessageSize: Int
    /// Largest request message sent.
    public var maxSendMessageSize: Int
    /// How long establishing a TCP connection may take before the address counts as unavailable.
    public var connectTimeout: Duration
    /// Deadline for calls that set none (nil: wait indefinitely).
    public var defaultTimeout: Duration?
    /// Event loop threads the client owns.
    public var eventLoopThreads: Int
    /// How often host names in the target are resolved again, so replicas added behind one DNS
    /// name (compose `--scale`, a Kubernetes headless Service) get calls and removed ones stop
    /// getting them; nil resolves once. Targets of numeric addresses only are never re-resolved.
    public var reresolveInterval: Duration?
    /// TLS (optionally with a client certificate); nil connects in plaintext (h2c).
    public var tls: ClientTLS?

    public init(
        maxReceiveMessageSize: Int = 4 << 20, maxSendMessageSize: Int = 4 << 20,
        connectTimeout: Duration = .seconds(5), defaultTimeout: Duration? = nil, eventLoopThreads: Int = 1,
        reresolveInterval: Duration? = .seconds(30), tls: ClientTLS? = nil
    ) {
        self.tls = tls
        self.reresolveInterval = reresolveInterval
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.maxSendMessageSize = maxSendMessageSize
        self.connectTimeout = connectTimeout
        self.defaultTimeout = defaultTimeout
        self.eventLoopThreads = eventLoopThreads
    }
}

/// A completed call's response: the messages in order and the trailing metadata.
public struct ClientResponse: Sendable {
    public var messages: [[UInt8]]
    public var initialMetadata: Metadata
    public var trailingMetadata: Metadata

    /// The single message of a unary response.
    public var message: [UInt8] { messages.first ?? [] }
}
