/// Where a server listens and the limits it enforces. Every limit is documented with its default
/// and flag in docs/security.md; each trip is counted in `LimitCounters`.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; the server logs the one it bound and reports it via `listeningPort()`.
    public var port: Int
    /// Largest request message accepted (from its length prefix) → RESOURCE_EXHAUSTED above it.
    /// Methods may set a lower limit of their own (`RPCMethod.limitingRequests(to:)`).
    public var maxReceiveMessageSize: Int
    /// Largest response message sent → RESOURCE_EXHAUSTED above it.
    public var maxSendMessageSize: Int
    /// Request bytes one connection may hold until they are dispatched to a handler (unfinished
    /// messages and finished ones whose END_STREAM has not come); a stream that would go beyond
    /// gets RESOURCE_EXHAUSTED. Flow-control credit is returned only as bytes are dispatched or
    /// dropped, and the connection window is sized to this, so a client cannot send past it.
    public var maxBufferedBytesPerConnection: Int
    /// The same across all connections.
    public var maxBufferedBytesTotal: Int
    /// Response bytes queued for a connection whose client does not read; past it the connection
    /// is closed. Reading stops while the socket is not writable, so this is rarely reached.
    public var maxPendingOutboundBytes: Int
    /// Concurrent streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS).
    public var maxConcurrentStreams: Int
    /// Calls queued or running across the server; beyond it new calls get RESOURCE_EXHAUSTED.
    public var maxInFlightCalls: Int
    /// One connection's share of `maxInFlightCalls`.
    public var maxInFlightCallsPerConnection: Int
    /// Long-lived calls (health watches) across the server and per connection: they have their
    /// own caps so they never use up the in-flight limit that real work needs.
    public var maxLongLivedCalls: Int
    public var maxLongLivedCallsPerConnection: Int
    /// Open connections in total and from one peer address; more are closed at accept.
    public var maxConnections: Int
    public var maxConnectionsPerPeer: Int
    /// A request whose message and END_STREAM have not all arrived this long after its headers
    /// gets DEADLINE_EXCEEDED (a slow or stalled client cannot hold a stream forever).
    public var requestReceiveTimeout: Duration
    /// The longest a call may run, whatever `grpc-timeout` it sent (none, or a longer one).
    /// Long-lived calls are exempt.
    public var maxCallDuration: Duration
    /// A connection with no open stream for this long is closed with GOAWAY.
    public var idleTimeout: Duration
    /// How long a graceful shutdown waits for in-flight calls before cancelling them and closing.
    public var drainTimeout: Duration
    /// Streams a client may reset before we answered: a burst, then a sustained rate per second;
    /// past it the connection gets GOAWAY(ENHANCE_YOUR_CALM) and is closed.
    public var streamResetBurst: Int
    public var streamResetsPerSecond: Int
    /// Frames one header block may span (HEADERS + CONTINUATION): a flood of tiny CONTINUATION
    /// frames closes the connection.
    public var maxHeaderBlockFrames: Int
    /// Event loop threads; 0 means one per core.
    public var eventLoopThreads: Int
    /// TLS (and mutual TLS); nil serves plaintext h2c.
    public var tls: ServerTLS?

    public init(
        host: String = "127.0.0.1", port: Int = 0,
        maxReceiveMessageSize: Int = 4 << 20, maxSendMessageSize: Int = 4 << 20,
        maxConcurrentStreams: Int = 256, maxInFlightCalls: Int = 4096,
        idleTimeout: Duration = .seconds(300), drainTimeout: Duration = .seconds(10),
        eventLoopThreads: Int = 0
    ) {
        self.host = host
        self.port = port
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.maxSendMessageSize = maxSendMessageSize
        self.maxBufferedBytesPerConnection = max(16 << 20, maxReceiveMessageSize + (1 << 20))
        self.maxBufferedBytesTotal = max(256 << 20, 2 * maxBufferedBytesPerConnection)
        self.maxPendingOutboundBytes = max(16 << 20, maxSendMessageSize + (1 << 20))
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxInFlightCalls = maxInFlightCalls
        self.maxInFlightCallsPerConnection = maxConcurrentStreams
        self.maxLongLivedCalls = 1024
        self.maxLongLivedCallsPerConnection = 16
        self.maxConnections = 4096
        self.maxConnectionsPerPeer = 512
        self.requestReceiveTimeout = .seconds(30)
        self.maxCallDuration = .seconds(300)
        self.idleTimeout = idleTimeout
        self.drainTimeout = drainTimeout
        self.streamResetBurst = 200
        self.streamResetsPerSecond = 100
        self.maxHeaderBlockFrames = 64
        self.eventLoopThreads = eventLoopThreads
    }

    /// HTTP/2 settings that make flow control enforce the buffering limits: a stream may have
    /// one whole message in flight, a connection its whole byte budget.
    var http2Settings: HTTP2SettingsValues {
        HTTP2SettingsValues(
            maxConcurrentStreams: UInt32(clamping: maxConcurrentStreams),
            initialWindowSize: UInt32(clamping: min(maxReceiveMessageSize + (64 << 10), Int(Int32.max))),
            // A little past the byte limit, so a client that reaches the limit gets
            // RESOURCE_EXHAUSTED (and its credit back) instead of a stall until the receive timeout.
            connectionWindowSize: UInt32(clamping: min(maxBufferedBytesPerConnection + (256 << 10), Int(Int32.max))),
            maxHeaderBlockFrames: maxHeaderBlockFrames)
    }
}

/// The HTTP/2 numbers derived from a configuration (kept apart so ZooterRPC's public API does
/// not expose ZooterHTTP2 types).
struct HTTP2SettingsValues {
    var maxConcurrentStreams: UInt32
    var initialWindowSize: UInt32
    var connectionWindowSize: UInt32
    var maxHeaderBlockFrames: Int
}
