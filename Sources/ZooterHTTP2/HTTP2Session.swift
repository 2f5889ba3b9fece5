internal import CNGHTTP2

/// One HTTP/2 connection's protocol state: bytes in, events out, bytes to send. No sockets.
///
/// Wraps an `nghttp2_session` in memory-buffer mode: `receive(_:)` feeds what the socket read
/// and returns what the peer did; `submit…` calls queue frames; `takeOutbound()` serialises them.
/// nghttp2 sessions are single-threaded, so a session belongs to exactly one connection and is
/// used only from that connection's event loop (hence not `Sendable`).
///
/// Flow control is manual: received DATA stays charged against the peer's windows until the
/// owner calls `consume(streamID:count:)`, which is how a busy server pushes back on a client.
///
/// The mutable state is `@exclusivity(unchecked)`: the runtime's check for overlapping accesses
/// took about a tenth of a unary call's server CPU (perf), and it has nothing to catch here. The
/// session is confined to one thread, and no access to these properties is held across a call
/// into nghttp2 (whose callbacks, running inside `receive` and `takeOutbound`, mutate them); the
/// compile-time checks still apply.
public final class HTTP2Session {
    public enum Role: Sendable { case server, client }

    /// Bytes queued for one stream's body, plus what ends it.
    struct Outbound {
        var bytes: [UInt8] = []
        var offset = 0
        /// No more body bytes will be queued.
        var finished = false
        /// Trailers to send after the body (then the stream ends with them).
        var trailers: [HeaderField]?
        /// nghttp2 was told DATA is deferred and must be resumed when bytes arrive.
        var deferred = false

        /// Queues body bytes; returns whether nghttp2 was told DATA is deferred (and clears it).
        /// Called through the table's modify accessor, so the entry is mutated in place: reading
        /// it out would copy it (retaining its byte and trailer arrays) on every send.
        mutating func append(_ body: [UInt8]) -> Bool {
            bytes.append(contentsOf: body)
            return takeDeferred()
        }

        /// Marks the body complete, with trailers to follow; returns (and clears) `deferred`.
        mutating func finish(trailers: [HeaderField]?) -> Bool {
            finished = true
            self.trailers = trailers
            return takeDeferred()
        }

        private mutating func takeDeferred() -> Bool {
            defer { deferred = false }
            return deferred
        }
    }

    let role: Role
    @exclusivity(unchecked) var session: OpaquePointer?
    /// Events gathered by the callbacks during one `receive` call.
    @exclusivity(unchecked) var events: [HTTP2Event] = []
    /// The header block being received and its size as HPACK counts it. HTTP/2 forbids
    /// interleaving header blocks (CONTINUATION must follow at once), so one block is in flight.
    @exclusivity(unchecked) var headerBlock: [HeaderField] = []
    @exclusivity(unchecked) var headerBlockBytes = 0
    /// Header strings this connection keeps sending, decoded once.
    @exclusivity(unchecked) var headerStrings = HeaderStringCache()
    /// Our SETTINGS_MAX_HEADER_LIST_SIZE, enforced here: nghttp2 only advertises it.
    let maxHeaderListSize: Int
    /// Counts the frames of each received header block (CONTINUATION flood protection).
    @exclusivity(unchecked) var scanner: FrameScanner
    @exclusivity(unchecked) var outbound: [Int32: Outbound] = [:]
    /// Streams to reset with NO_ERROR once our END_STREAM has gone out.
    @exclusivity(unchecked) var resetAfterEnd: Set<Int32> = []
    @exclusivity(unchecked) var sendBuffer: [UInt8] = []

    /// Creates a session and queues our SETTINGS (a client also queues its connection preface).
    public init(role: Role, settings: HTTP2Settings = HTTP2Settings()) throws(HTTP2Error) {
        self.role = role
        self.maxHeaderListSize = Int(settings.maxHeaderListSize)
        self.scanner = FrameScanner(serverSide: role == .server, maxHeaderBlockFrames: settings.maxHeaderBlockFrames)
        var callbacks: OpaquePointer?
        try check(nghttp2_session_callbacks_new(&callbacks), "nghttp2_session_callbacks_new")
        defer { nghttp2_session_callbacks_del(callbacks) }
        HTTP2Callbacks.install(into: callbacks)

        var option: OpaquePointer?
        try check(nghttp2_option_new(&option), "nghttp2_option_new")
        defer { nghttp2_option_del(option) }
        // Window updates follow the application's consumption, so backpressure reaches the peer.
        nghttp2_option_set_no_auto_window_update(option, 1)
        nghttp2_option_set_max_send_header_block_length(option, 64 << 10)

        var created: OpaquePointer?
        let context = Unmanaged.passUnretained(self).toOpaque()
        switch role {
        case .server: try check(nghttp2_session_server_new2(&created, callbacks, context, option), "session_server_new")
        case .client: try check(nghttp2_session_client_new2(&created, callbacks, context, option), "session_client_new")
        }
        session = created

        var entries = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: settings.maxConcurrentStreams),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: settings.initialWindowSize),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: settings.maxFrameSize),
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: settings.maxHeaderListSize),
        ]
        if role == .client {
            entries.append(nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
        }
        try check(nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count), "submit_settings")
        let defaultWindow: Int32 = 65_535
        if settings.connectionWindowSize > UInt32(defaultWindow) {
            try check(nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0,
                                                            Int32(clamping: settings.connectionWindowSize)),
                      "set_local_window_size")
        }
    }

    deinit {
        nghttp2_session_del(session)
    }

    // MARK: Input

    /// Feeds bytes read from the peer and returns what it did, in order.
    ///
    /// Throws on a fatal protocol error (for example `isBadPreface` when the peer does not speak
    /// HTTP/2); nghttp2 may still have queued a GOAWAY, so flush `takeOutbound()` before closing.
    public func receive(_ bytes: some Collection<UInt8>) throws(HTTP2Error) -> [HTTP2Event] {
        let result: Int64?? = bytes.withContiguousStorageIfAvailable { buffer in
            receive(buffer)
        }
        let fed: Int64?
        if let result {
            fed = result
        } else {
            let copy = Array(bytes)
            fed = copy.withUnsafeBufferPointer { receive($0) }
        }
        guard let consumed = fed else { throw HTTP2Error.headerBlockTooLong }
        if consumed < 0 { try check(Int32(truncatingIfNeeded: consumed), "receive") }
        return takeEvents()
    }

    /// Scans, then feeds nghttp2; nil when the scanner refused the bytes (nothing was fed).
    private func receive(_ buffer: UnsafeBufferPointer<UInt8>) -> Int64? {
        do { try scanner.scan(buffer) } catch { return nil }
        return CNGHTTP2_session_mem_recv(session, buffer.baseAddress, buffer.count)
    }

    /// Events that arose while sending (a stream closes when our END_STREAM or RST_STREAM goes
    /// out); `receive` returns them too, with the next input.
    public func takeEvents() -> [HTTP2Event] {
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Returns the received DATA bytes of `streamID` to the peer's flow-control windows.
    public func consume(streamID: Int32, count: Int) {
        guard count > 0 else { return }
        // NGHTTP2_ERR_INVALID_ARGUMENT (stream 0) cannot happen; a closed stream still credits the
        // connection window, which is what we want.
        _ = nghttp2_session_consume(session, streamID, count)
    }

    // MARK: Output

    /// True while nghttp2 has frames to send or more data it could send.
    public var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    /// True while the session expects more input (false after GOAWAY both ways with no streams).
    public var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }

    /// Body bytes queued by `send` and not yet taken by nghttp2, across streams: what a peer
    /// that does not read (or never opens its flow-control window) makes us hold.
    @exclusivity(unchecked) public internal(set) var queuedBodyBytes = 0

    /// The nghttp2 library's version string. Distro builds backport fixes without changing it,
    /// so it is logged for operators, never used to decide whether a protection is present.
    public static var libraryVersion: String {
        guard let info = nghttp2_version(0) else { return "unknown" }
        return String(cString: info.pointee.version_str)
    }

    /// Serialises every queued frame into one byte array (empty when there is nothing to send).
    public func takeOutbound() throws(HTTP2Error) -> [UInt8] {
        // A burst can grow the buffer to megabytes; keep a small one between bursts, not the peak.
        if sendBuffer.capacity > 256 << 10 { sendBuffer = [] } else { sendBuffer.removeAll(keepingCapacity: true) }
        while true {
            var chunk: UnsafePointer<UInt8>?
            let count = CNGHTTP2_session_mem_send(session, &chunk)
            if count < 0 { try check(Int32(truncatingIfNeeded: count), "send") }
            guard count > 0, let chunk else { break }
            // `chunk` is nghttp2's buffer and dies at the next call: copy now.
            sendBuffer.append(contentsOf: UnsafeBufferPointer(start: chunk, count: Int(count)))
        }
        return sendBuffer
    }
}

/// Handle types are confined to one connection's event loop: never shared across threads.
@available(*, unavailable)
extension HTTP2Session: Sendable {}

/// Translates an nghttp2 return code: negative codes become `HTTP2Error` with `nghttp2_strerror`.
@inline(__always)
func check(_ code: Int32, _ operation: StaticString) throws(HTTP2Error) {
    guard code < 0 else { return }
    throw HTTP2Error(code: code, message: "\(operation): \(String(cString: nghttp2_strerror(code)))")
}
