/// Follows the frame boundaries of the bytes a peer sends, ahead of nghttp2, to count the frames
/// of each header block. nghttp2 reports no event per CONTINUATION frame, and only patched
/// builds limit them, so a block of thousands of empty CONTINUATION frames would otherwise cost
/// CPU without bound. O(1) per frame; never copies payloads.
struct FrameScanner {
    enum Failure: Error, Equatable { case headerBlockTooLong(frames: Int) }

    let maxHeaderBlockFrames: Int
    /// Preface bytes still to skip (24 on a server, 0 on a client).
    private var prefaceRemaining: Int
    /// Bytes of the current 9-byte frame header gathered so far.
    private var header: [UInt8] = []
    /// Payload bytes of the current frame still to skip.
    private var payloadRemaining = 0
    /// Frames of the header block in progress; 0 when none is open.
    private(set) var blockFrames = 0

    init(serverSide: Bool, maxHeaderBlockFrames: Int) {
        self.maxHeaderBlockFrames = maxHeaderBlockFrames
        prefaceRemaining = serverSide ? 24 : 0
        header.reserveCapacity(9)
    }

    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(Failure) {
        var index = 0
        while index < bytes.count {
            if prefaceRemaining > 0 {
                let skip = min(prefaceRemaining, bytes.count - index)
                prefaceRemaining -= skip
                index += skip
            } else if payloadRemaining > 0 {
                let skip = min(payloadRemaining, bytes.count - index)
                payloadRemaining -= skip
                index += skip
            } else {
                header.append(bytes[index])
                index += 1
                if header.count == 9 {
                    try frameHeader(length: Int(header[0]) << 16 | Int(header[1]) << 8 | Int(header[2]),
                                    type: header[3], flags: header[4])
                    header.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    private mutating func frameHeader(length: Int, type: UInt8, flags: UInt8) throws(Failure) {
        payloadRemaining = length
        let endHeaders = flags & 0x4 != 0
        switch type {
        case 0x1, 0x5:  // HEADERS, PUSH_PROMISE
            blockFrames = endHeaders ? 0 : 1
        case 0x9:       // CONTINUATION
            blockFrames += 1
            if blockFrames > maxHeaderBlockFrames { throw .headerBlockTooLong(frames: blockFrames) }
            if endHeaders { blockFrames = 0 }
        default:
            break
        }
    }
}
