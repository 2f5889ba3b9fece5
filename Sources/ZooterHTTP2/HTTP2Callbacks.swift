internal import CNGHTTP2

/// The nghttp2 callbacks. Each recovers its `HTTP2Session` from `user_data` (set to the unretained
/// session at creation; the session outlives its nghttp2 handle) and appends events to it.
/// They run synchronously inside `nghttp2_session_mem_recv`/`mem_send`, on the owner's thread.
enum HTTP2Callbacks {
    static func install(into callbacks: OpaquePointer?) {
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameReceived)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSent)
    }

    /// Runs `body` with the session, borrowed: the session outlives every callback, so no
    /// retain/release pair per callback (a unary call makes about a dozen).
    @inline(__always)
    static func withOwner<R>(_ userData: UnsafeMutableRawPointer?, _ body: (HTTP2Session) -> R) -> R {
        Unmanaged<HTTP2Session>.fromOpaque(userData!)._withUnsafeGuaranteedRef(body)
    }

    static let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, userData in
        guard let frame else { return 0 }
        return withOwner(userData) { session in
            session.headerBlock.removeAll(keepingCapacity: true)
            session.headerBlockBytes = 0
            return 0
        }
    }

    static let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, userData in
        guard let frame, let name, let value else { return 0 }
        return withOwner(userData) { session in
            // Size as RFC 9113 §6.5.2 counts it; past our limit the stream is reset (a small
            // compressed block can otherwise decode to megabytes).
            let total = session.headerBlockBytes + nameLength + valueLength + 32
            guard total <= session.maxHeaderListSize else {
                session.headerBlock.removeAll(keepingCapacity: true)
                return Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
            }
            session.headerBlockBytes = total
            let field = HeaderField(
                session.headerStrings.string(UnsafeBufferPointer(start: name, count: nameLength)),
                session.headerStrings.string(UnsafeBufferPointer(start: value, count: valueLength)))
            session.headerBlock.append(field)
            return 0
        }
    }

    static let onFrameReceived: nghttp2_on_frame_recv_callback = { _, frame, userData in
        guard let frame else { return 0 }
        return withOwner(userData) { session in
            let header = frame.pointee.hd
            let endStream = header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
            switch Int(header.type) {
            case Int(NGHTTP2_HEADERS.rawValue):
                let fields = session.headerBlock
                session.headerBlock.removeAll(keepingCapacity: true)
                session.events.append(.headers(streamID: header.stream_id, fields: fields, endStream: endStream))
            case Int(NGHTTP2_DATA.rawValue):
                if endStream { session.events.append(.endOfData(streamID: header.stream_id)) }
            case Int(NGHTTP2_PING.rawValue):
                if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 { session.events.append(.pingAcknowledged) }
            case Int(NGHTTP2_GOAWAY.rawValue):
                let goaway = frame.pointee.goaway
                session.events.append(.goAway(lastStreamID: goaway.last_stream_id, errorCode: goaway.error_code))
            default:
                break
            }
            return 0
        }
    }

    static let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, userData in
        guard let data else { return 0 }
        withOwner(userData) { $0.events.append(.data(streamID: streamID, bytes: Array(UnsafeBufferPointer(start: data, count: length)))) }
        return 0
    }

    static let onFrameSent: nghttp2_on_frame_send_callback = { session, frame, userData in
        guard let frame else { return 0 }
        return withOwner(userData) { owner in
            let header = frame.pointee.hd
            if header.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
               owner.resetAfterEnd.remove(header.stream_id) != nil {
                _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), header.stream_id, 0)
            }
            return 0
        }
    }

    static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, userData in
        withOwner(userData) { session in
            session.dropOutbound(streamID)
            session.resetAfterEnd.remove(streamID)
            session.events.append(.streamClosed(streamID: streamID, errorCode: errorCode))
            return 0
        }
    }

    /// Supplies a stream's queued body to nghttp2. With nothing queued and the body not finished
    /// it defers (resumed by `send`/`finish`); at the end it sets EOF, and sends the trailers
    /// (NO_END_STREAM + `nghttp2_submit_trailer`, which nghttp2 allows inside this callback).
    static let readBody: CNGHTTP2_read_callback = { session, streamID, buffer, length, flags, _, userData in
        withOwner(userData) { owner in
            // Take the body out of the table so mutating it does not copy its bytes.
            guard let buffer, let flags, var body = owner.outbound.removeValue(forKey: streamID) else {
                return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
            }
            let available = body.bytes.count - body.offset
            let count = min(available, length)
            if count > 0 {
                body.bytes.withUnsafeBufferPointer { source in
                    buffer.update(from: source.baseAddress! + body.offset, count: count)
                }
                body.offset += count
                owner.queuedBodyBytes -= count
            }
            if body.offset == body.bytes.count {
                body.bytes.removeAll(keepingCapacity: true)
                body.offset = 0
                if body.finished {
                    flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue)
                    if let trailers = body.trailers {
                        flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue)
                        let rc = owner.withHeaderBlock(trailers) { nva, n in
                            nghttp2_submit_trailer(session, streamID, nva, n)
                        }
                        if rc < 0 { return Int(NGHTTP2_ERR_CALLBACK_FAILURE.rawValue) }
                    }
                    return count
                } else if count == 0 {
                    body.deferred = true
                    owner.outbound[streamID] = body
                    return Int(NGHTTP2_ERR_DEFERRED.rawValue)
                }
            }
            owner.outbound[streamID] = body
            return count
        }
    }
}
