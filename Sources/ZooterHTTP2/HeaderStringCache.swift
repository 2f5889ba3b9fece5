/// Recently decoded header names and values of one connection, so a string a client repeats on
/// every request (its `:path`, `content-type`, `user-agent`) is decoded and allocated once, not
/// once per call. Strings of up to 15 UTF-8 bytes are stored inline by `String` and never cached.
///
/// Bounded: `capacity` entries of at most `maxCachedLength` bytes of valid UTF-8 (a repaired
/// decode is never cached: it could only ever match other input), replaced round-robin. A client
/// sending a different value every time only turns the cache into the plain decode it replaces.
struct HeaderStringCache {
    static let capacity = 16
    static let maxCachedLength = 256
    private var entries: [String] = []
    private var next = 0

    /// `bytes` decoded as UTF-8 (invalid sequences repaired): a cached string when one has exactly
    /// these bytes (only valid UTF-8 can match, and it decodes to the same string).
    mutating func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard bytes.count > 15, bytes.count <= Self.maxCachedLength else {
            return String(decoding: bytes, as: UTF8.self)
        }
        for entry in entries where entry.utf8.count == bytes.count {
            let equal = entry.utf8.withContiguousStorageIfAvailable { stored in
                Self.sameBytes(stored, bytes)
            }
            if equal == true { return entry }
        }
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard decoded.utf8.count == bytes.count else { return decoded }  // repaired: not what was sent
        if entries.count < Self.capacity {
            entries.append(decoded)
        } else {
            entries[next] = decoded
            next = (next + 1) % Self.capacity
        }
        return decoded
    }

    /// Whether two buffers of equal length hold the same bytes, compared eight at a time (the
    /// generic `elementsEqual` went byte by byte: 1.3 % of a unary call's server CPU).
    private static func sameBytes(_ first: UnsafeBufferPointer<UInt8>, _ second: UnsafeBufferPointer<UInt8>) -> Bool {
        let a = UnsafeRawBufferPointer(first), b = UnsafeRawBufferPointer(second)
        var offset = 0
        while offset + 8 <= a.count {
            guard a.loadUnaligned(fromByteOffset: offset, as: UInt64.self) == b.loadUnaligned(fromByteOffset: offset, as: UInt64.self) else {
                return false
            }
            offset += 8
        }
        while offset < a.count {
            guard a[offset] == b[offset] else { return false }
            offset += 1
        }
        return true
    }
}
