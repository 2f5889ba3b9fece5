/// 64-bit FNV-1a, a fast non-cryptographic hash for cache keys and dataset identity.
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

extension RoutingDataset {
    /// The content that identifies a dataset for training: expert order, ids, queries, sources,
    /// tags and rewards (responses are excluded: they only matter for re-scoring).
    func fingerprintContent(into hasher: inout FNV1a64) {
        for expert in experts { hasher.combine(expert) }
        for example in examples {
            hasher.combine(example.id)
            hasher.combine(example.query)
            hasher.combine(example.source ?? "\u{0}null")
            for tag in example.tags { hasher.combine(tag) }
            hasher.combine("\u{0}end-tags")
            for reward in example.rewards ?? [] { hasher.combine(reward) }
        }
    }
}

/// The dataset hash recorded in reports and artifacts (DESIGN §1 step 7).
///
/// SINGLE SWITCH POINT: today this is `"fnv1a64:<16 hex>"`. When the encoder engineer's
/// `SHA256.hex(_:)` is merged, replace the body with a SHA-256 over the same canonical byte stream
/// (`fingerprintContent`) and the prefix with `"sha256:"`; callers only see an opaque string.
public func datasetFingerprint(_ dataset: RoutingDataset) -> String {
    var hasher = FNV1a64()
    dataset.fingerprintContent(into: &hasher)
    return "fnv1a64:" + hasher.hex
}
