/// A request value quoted in an error message, made safe to send back: at most `limit`
/// characters of printable ASCII (anything else becomes `?`), with "…" when cut.
///
/// Error replies once quoted whole header values: a 14-byte HPACK-indexed request could draw a
/// ~30 KB reply, an amplification any client could aim at us. Quoting a short, sanitised prefix
/// keeps the message useful and every reply small.
func echo(_ value: some StringProtocol, limit: Int = 64) -> String {
    RPCError.quote(value, limit: limit)
}

extension RPCError {
    /// `echo` for services: quote client input in an error message this way, never whole.
    public static func quote(_ value: some StringProtocol, limit: Int = 64) -> String {
        var out = ""
        out.reserveCapacity(min(value.utf8.count, limit) + 3)
        var count = 0
        for scalar in value.unicodeScalars {
            guard count < limit else { return out + "…" }
            out.unicodeScalars.append((0x20...0x7E).contains(scalar.value) ? scalar : "?")
            count += 1
        }
        return out
    }
}
