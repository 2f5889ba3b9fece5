/// Splits a gRPC stream body into messages: each is a 1-byte compressed flag, a 4-byte big-endian
/// length and that many bytes (gRPC over HTTP/2, "Length-Prefixed-Message").
///
/// The size limit is enforced from the length prefix, before any of the message is buffered, so
/// an oversized message costs us five bytes, not four megabytes.
struct MessageDeframer {
    enum Failure: Error, Equatable {
        /// The prefix announced `length` bytes, more than the limit.
        case tooLarge(length: Int, limit: Int)
        /// The compressed flag was set; we accept only identity encoding.
        case compressed
    }

    let maxMessageSize: Int
    private var buffer: [UInt8] = []
    private var offset = 0

    init(maxMessageSize: Int) {
        self.maxMessageSize = maxMessageSize
    }

    /// True when bytes of an unfinished message (or prefix) are buffered: a stream that ends now
    /// ended mid-message.
    var hasPartialMessage: Bool { offset < buffer.count }

    /// Bytes held for the unfinished message.
    var bufferedCount: Int { buffer.count - offset }

    /// Appends received bytes and returns the messages they complete.
    mutating func append(_ bytes: [UInt8]) throws(Failure) -> [[UInt8]] {
        if offset == buffer.count {
            buffer = bytes
            offset = 0
        } else {
            buffer.append(contentsOf: bytes)
        }
        var messages: [[UInt8]] = []
        while buffer.count - offset >= 5 {
            let flag = buffer[offset]
            let length = Int(buffer[offset + 1]) << 24 | Int(buffer[offset + 2]) << 16
                | Int(buffer[offset + 3]) << 8 | Int(buffer[offset + 4])
            if flag != 0 { throw .compressed }
            if length > maxMessageSize { throw .tooLarge(length: length, limit: maxMessageSize) }
            guard buffer.count - offset - 5 >= length else { break }
            messages.append(Array(buffer[(offset + 5)..<(offset + 5 + length)]))
            offset += 5 + length
        }
        if offset == buffer.count {
            // Hold nothing between messages: a finished large message would otherwise be held
            // twice (here and in the request), and `buffer` usually shares the caller's `bytes`,
            // so keeping its capacity meant allocating a fresh buffer every call.
            buffer = []
            offset = 0
        }
        return messages
    }
}

/// Prefixes one message for the wire (uncompressed).
func framed(_ message: [UInt8]) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(message.count + 5)
    let n = UInt32(message.count)
    out.append(0)
    out.append(UInt8(n >> 24))
    out.append(UInt8(truncatingIfNeeded: n >> 16))
    out.append(UInt8(truncatingIfNeeded: n >> 8))
    out.append(UInt8(truncatingIfNeeded: n))
    out.append(contentsOf: message)
    return out
}
