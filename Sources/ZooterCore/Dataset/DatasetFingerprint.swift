/// 64-bit FNV-1a, a fast non-cryptographic hash for cache keys (dataset identity is
/// `DatasetIdentity`, a SHA-256).
public struct FNV1a64: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    public mutating func combine(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            value ^= UInt64(byte)
            value &*= 0x0000_0100_0000_01B3
        }
    }

    public mutating func combine(_ string: String) {
        combine(string.utf8)
        // A separator byte that never occurs in UTF-8 keeps ("ab","c") and ("a","bc") apart.
        combine(CollectionOfOne(0xFF))
    }

    public mutating func combine(_ number: Double) {
        var bits = number.bitPattern
        var bytes: [UInt8] = []
        for _ in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits)); bits >>= 8 }
        combine(bytes)
    }

    public static func hash(_ string: String) -> UInt64 {
        var hasher = FNV1a64()
        hasher.combine(string.utf8)
        return hasher.value
    }

    public var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
