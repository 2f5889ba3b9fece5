public import ZooterRPC

/// The most text one query or response may carry. Generous (the encoder reads only its first
/// 256 tokens, roughly 1–2 KB of English), but finite: tokenizing is linear in the text, and a
/// service's compute is shared by every caller. Documented in the protos and docs/security.md.
public enum TextLimit {
    public static let maxBytes = 64 << 10

    /// Refuses `text` over the limit, naming the field.
    public static func check(_ text: String, field: @autoclosure () -> String) throws(RPCError) {
        guard text.utf8.count <= maxBytes else {
            throw RPCError(code: .invalidArgument,
                           message: "\(field()) has \(text.utf8.count) bytes; the limit is \(maxBytes) (the encoder reads only the first 256 tokens, so send a prefix)",
                           limit: .textSize)
        }
    }
}
