/// The `grpc-timeout` header: at most 8 ASCII digits and a unit (H, M, S, m, u, n).
enum GRPCTimeout {
    /// The longest deadline we honour; longer ones (the header allows ~11,000 years) are capped
    /// so no arithmetic on them can overflow.
    static let maximum: Duration = .seconds(100 * 365 * 24 * 3600)

    /// Parses a header value (capped at `maximum`); nil when it is malformed.
    static func parse(_ value: String) -> Duration? {
        parseUncapped(value).map { min($0, maximum) }
    }

    private static func parseUncapped(_ value: String) -> Duration? {
        let utf8 = Array(value.utf8)
        guard utf8.count >= 2, utf8.count <= 9, let unit = utf8.last else { return nil }
        var amount: Int64 = 0
        for byte in utf8.dropLast() {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            amount = amount * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        switch unit {
        case UInt8(ascii: "H"): return .seconds(amount * 3600)
        case UInt8(ascii: "M"): return .seconds(amount * 60)
        case UInt8(ascii: "S"): return .seconds(amount)
        case UInt8(ascii: "m"): return .milliseconds(amount)
        case UInt8(ascii: "u"): return .microseconds(amount)
        case UInt8(ascii: "n"): return .nanoseconds(amount)
        default: return nil
        }
    }

    /// Encodes a duration in the finest unit that fits in 8 digits.
    static func encode(_ duration: Duration) -> String {
        let capped = min(duration, maximum)
        let nanos = max(0, capped.components.seconds) * 1_000_000_000
            + max(0, capped.components.attoseconds / 1_000_000_000)
        let units: [(Int64, Character)] = [(1, "n"), (1_000, "u"), (1_000_000, "m"), (1_000_000_000, "S"),
                                           (60_000_000_000, "M"), (3_600_000_000_000, "H")]
        for (scale, unit) in units {
            let amount = (nanos + scale - 1) / scale
            if amount < 100_000_000 { return "\(amount)\(unit)" }
        }
        return "99999999H"
    }
}
