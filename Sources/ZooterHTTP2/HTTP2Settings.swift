/// The local SETTINGS a session advertises, and the limits it enforces.
public struct HTTP2Settings: Sendable, Equatable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS: streams beyond it are refused by nghttp2 with RST_STREAM.
    public var maxConcurrentStreams: UInt32
    /// SETTINGS_INITIAL_WINDOW_SIZE: bytes the peer may send on one stream before we consume.
    public var initialWindowSize: UInt32
    /// The connection-level receive window, in bytes.
    public var connectionWindowSize: UInt32
    /// SETTINGS_MAX_FRAME_SIZE we accept.
    public var maxFrameSize: UInt32
    /// SETTINGS_MAX_HEADER_LIST_SIZE we accept, in bytes.
    public var maxHeaderListSize: UInt32
    /// Frames one header block may span (HEADERS/PUSH_PROMISE + CONTINUATION); past it the
    /// session fails with a fatal error. Enforced here, not left to nghttp2's own CONTINUATION
    /// flood protection, which only some distro builds carry.
    public var maxHeaderBlockFrames: Int

    public init(
        maxConcurrentStreams: UInt32 = 256,
        initialWindowSize: UInt32 = 1 << 20,
        connectionWindowSize: UInt32 = 4 << 20,
        maxFrameSize: UInt32 = 1 << 14,
        maxHeaderListSize: UInt32 = 16 << 10,
        maxHeaderBlockFrames: Int = 64
    ) {
        self.maxHeaderBlockFrames = maxHeaderBlockFrames
        self.maxConcurrentStreams = maxConcurrentStreams
        self.initialWindowSize = initialWindowSize
        self.connectionWindowSize = connectionWindowSize
        self.maxFrameSize = maxFrameSize
        self.maxHeaderListSize = maxHeaderListSize
    }
}
