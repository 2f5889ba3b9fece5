/// Where a server listens and the limits it enforces.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; the server logs the one it bound and reports it via `listeningPort()`.
    public var port: Int
    /// Largest request message accepted (from its length prefix) → RESOURCE_EXHAUSTED above it.
    public var maxReceiveMessageSize: Int
    /// Largest response message sent → RESOURCE_EXHAUSTED above it.
    public var maxSendMessageSize: Int
    /// Bytes of unfinished request messages one connection may hold across its streams; a stream
    /// that would go beyond gets RESOURCE_EXHAUSTED (the per-message limit alone allows
    /// streams × message size per connection).
    public var maxBufferedBytesPerConnection: Int
    /// Concurrent streams per connection (SETTINGS_MAX_CONCURRENT_STREAMS).
    public var maxConcurrentStreams: Int
    /// Calls queued or running across the server; beyond it new calls get RESOURCE_EXHAUSTED.
    public var maxInFlightCalls: Int
    /// A connection with no open stream for this long is closed with GOAWAY.
    public var idleTimeout: Duration
    /// How long a graceful shutdown waits for in-flight calls before closing connections.
    public var drainTimeout: Duration
    /// Event loop threads; 0 means one per core.
    public var eventLoopThreads: Int

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
        self.maxBufferedBytesPerConnection = max(16 << 20, maxReceiveMessageSize)
        self.maxConcurrentStreams = maxConcurrentStreams
        self.maxInFlightCalls = maxInFlightCalls
        self.idleTimeout = idleTimeout
        self.drainTimeout = drainTimeout
        self.eventLoopThreads = eventLoopThreads
    }
}
