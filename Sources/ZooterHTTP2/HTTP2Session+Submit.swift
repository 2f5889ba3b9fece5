internal import CNGHTTP2

extension HTTP2Session {
    /// Server: sends response headers. With `hasBody` false the headers carry END_STREAM (a gRPC
    /// trailers-only response); otherwise the body follows through `send(streamID:bytes:)` and
    /// `finish(streamID:trailers:)`.
    public func respond(streamID: Int32, headers: [HeaderField], hasBody: Bool) throws(HTTP2Error) {
        if hasBody { outbound[streamID] = Outbound() }
        let rc = withHeaderBlock(headers) { nva, count in
            CNGHTTP2_submit_response(session, streamID, nva, count, hasBody ? HTTP2Callbacks.readBody : nil)
        }
        if rc < 0 { outbound[streamID] = nil }
        try check(rc, "submit_response")
    }

    /// Client: opens a stream with request headers; the body follows through `send` and `finish`.
    /// Returns the new stream id.
    public func request(headers: [HeaderField]) throws(HTTP2Error) -> Int32 {
        let streamID = withHeaderBlock(headers) { nva, count in
            CNGHTTP2_submit_request(session, nva, count, HTTP2Callbacks.readBody)
        }
        try check(streamID, "submit_request")
        outbound[streamID] = Outbound()
        return streamID
    }

    /// Queues body bytes on a stream opened by `respond(hasBody: true)` or `request`.
    /// Returns false when the stream is already gone (reset or closed): the bytes are dropped.
    @discardableResult
    public func send(streamID: Int32, bytes: [UInt8]) -> Bool {
        // One lookup, mutating the entry in place (a table lookup hashes the id each time).
        guard let wasDeferred = outbound[streamID]?.append(bytes) else { return false }
        queuedBodyBytes += bytes.count
        if wasDeferred { resume(streamID) }
        return true
    }

    /// Ends a stream's body: with `trailers` they follow the data (gRPC status), otherwise the
    /// last DATA frame carries END_STREAM. Returns false when the stream is already gone.
    @discardableResult
    public func finish(streamID: Int32, trailers: [HeaderField]? = nil) -> Bool {
        guard let wasDeferred = outbound[streamID]?.finish(trailers: trailers) else { return false }
        if wasDeferred { resume(streamID) }
        return true
    }

    /// Server: once our response has ended the stream (END_STREAM sent), reset it with NO_ERROR so
    /// a client still sending stops (gRPC allows this when the server answers early). Resetting
    /// right away instead could overtake the response: nghttp2 does not keep the two in order.
    public func resetAfterResponse(streamID: Int32) {
        resetAfterEnd.insert(streamID)
    }

    /// Resets a stream with an HTTP/2 error code (e.g. 0x8 CANCEL, 0x7 REFUSED_STREAM).
    public func reset(streamID: Int32, errorCode: UInt32) {
        dropOutbound(streamID)
        // Fails only for stream 0 (NGHTTP2_ERR_INVALID_ARGUMENT), which we never pass.
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode)
    }

    /// Server, first phase of a graceful shutdown: GOAWAY with the maximum stream id, telling the
    /// client to stop opening streams while those in flight may still arrive.
    public func announceShutdown() {
        // NGHTTP2_ERR_INVALID_STATE for a client session: we only call this on servers.
        _ = nghttp2_submit_shutdown_notice(session)
    }

    /// Second phase (or an immediate close): GOAWAY naming the last stream we processed.
    public func goAway(errorCode: UInt32 = 0) {
        let last = nghttp2_session_get_last_proc_stream_id(session)
        _ = nghttp2_submit_goaway(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), last, errorCode, nil, 0)
    }

    /// Sends a PING (the peer's ACK is handled by nghttp2).
    public func ping() {
        _ = nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
    }

    /// Forgets a stream's queued body (reset or closed), keeping `queuedBodyBytes` true.
    func dropOutbound(_ streamID: Int32) {
        if let body = outbound.removeValue(forKey: streamID) { queuedBodyBytes -= body.bytes.count - body.offset }
    }

    /// Tells nghttp2 a stream whose DATA it deferred has more to send.
    func resume(_ streamID: Int32) {
        _ = nghttp2_session_resume_data(session, streamID)
    }

    /// Lays out a header list as nghttp2 name/value pairs backed by one contiguous byte buffer
    /// (nghttp2 copies them inside the submit call, so the buffer only has to outlive `body`).
    /// Both buffers are temporary allocations sized up front (on the stack when small): this runs
    /// twice per call (headers, trailers), and growing arrays here were 9 of a unary call's 25
    /// heap allocations.
    func withHeaderBlock<R>(_ headers: [HeaderField], _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        var total = 0
        for field in headers { total += field.name.utf8.count + field.value.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(total, 1)) { bytes in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(headers.count, 1)) { pairs in
                let base = bytes.baseAddress!
                var offset = 0
                for (index, field) in headers.enumerated() {
                    let name = base + offset
                    offset += Self.copy(field.name, to: name)
                    let value = base + offset
                    let valueLength = Self.copy(field.value, to: value)
                    offset += valueLength
                    (pairs.baseAddress! + index).initialize(to: nghttp2_nv(
                        name: name, value: value, namelen: value - name, valuelen: valueLength,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                }
                return body(pairs.baseAddress!, headers.count)
            }
        }
    }

    /// Copies the UTF-8 bytes of `text` to `destination`; returns how many.
    private static func copy(_ text: String, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        let utf8 = text.utf8
        let copied = utf8.withContiguousStorageIfAvailable { bytes in
            if let source = bytes.baseAddress { destination.initialize(from: source, count: bytes.count) }
            return bytes.count
        }
        if let copied { return copied }
        var count = 0
        for byte in utf8 {
            (destination + count).initialize(to: byte)
            count += 1
        }
        return count
    }
}
