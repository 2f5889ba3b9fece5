import Foundation

/// A streamed answer read from its server-sent events as they pass through, each event parsed
/// once: its text (for the exchange log, up to `textLimit` characters) and what it used (for the
/// tenant's cost budget). The upstream's own `usage` wins when it sends one (OpenAI does in the
/// last event when the request has `stream_options: {"include_usage": true}`); otherwise
/// completion tokens are estimated from the streamed text at 4 characters per token (the usual
/// rule of thumb for English; other scripts use more tokens per character, so this under-charges
/// them — docs/gateway.md says so).
struct StreamedAnswer {
    /// Characters of text kept for `text`; the count of all of them goes on.
    let textLimit: Int
    /// The bytes of the line not yet ended; bounded because the whole stream is
    /// (`max_response_bytes`).
    private var pending: [UInt8] = []
    private(set) var text = ""
    private(set) var contentCharacters = 0
    private(set) var reported: (prompt: Int, completion: Int)?

    init(textLimit: Int) {
        self.textLimit = textLimit
    }

    mutating func consume(_ bytes: some Sequence<UInt8>) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                line(pending)
                pending.removeAll(keepingCapacity: true)
            } else {
                pending.append(byte)
            }
        }
    }

    /// Prompt and completion tokens: reported, else estimated (`promptCharacters` from the request).
    func tokens(promptCharacters: Int) -> (prompt: Int, completion: Int) {
        reported ?? (Self.estimatedTokens(characters: promptCharacters), Self.estimatedTokens(characters: contentCharacters))
    }

    static func estimatedTokens(characters: Int) -> Int { (characters + 3) / 4 }

    private mutating func line(_ bytes: [UInt8]) {
        let prefix = Array("data: {".utf8)
        guard bytes.count > prefix.count, bytes.starts(with: prefix),
              let event = try? JSONSerialization.jsonObject(with: Data(bytes.dropFirst(6))) as? [String: Any] else { return }
        if let usage = event["usage"] as? [String: Any],
           let prompt = usage["prompt_tokens"] as? Int, let completion = usage["completion_tokens"] as? Int,
           prompt >= 0, completion >= 0 {
            reported = (prompt, completion)
        }
        if let choice = (event["choices"] as? [[String: Any]])?.first,
           let content = (choice["delta"] as? [String: Any])?["content"] as? String {
            let characters = content.unicodeScalars.count
            if contentCharacters < textLimit {
                text.unicodeScalars.append(contentsOf: content.unicodeScalars.prefix(textLimit - contentCharacters))
            }
            contentCharacters += characters
        }
    }
}
