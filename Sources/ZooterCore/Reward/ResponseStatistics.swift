import Foundation

/// Surface statistics of a response that a judge's preference follows: its length, structure,
/// repetition and refusals.
///
/// Why these: on alpaca-eval-13b (805 instructions × 6 models, GPT-4-turbo judge) "the longer
/// response wins" agrees with the judge on 61 % of pairs, while the encoder's embedding of a
/// response (the first 256 tokens of it) carries almost nothing a linear or small MLP scorer can
/// use (53–57 % held out). Length, list structure, a vocabulary that does not loop on itself and
/// the absence of a refusal are what separate 13B-class answers. Every statistic is O(length)
/// with no regular expressions, so the reward service's text limit bounds its cost.
public enum ResponseStatistics {
    /// The statistics, in the order `compute` returns them and the reward model stores weights.
    /// Stored in the model file: a file with a different list is refused, never silently misread.
    public static let names = [
        "log_chars", "log_chars_squared", "log_length_ratio", "unique_word_share", "log_line_breaks",
        "log_list_items", "refusal", "ends_cleanly", "non_ascii_share", "repeated_trigram_share",
    ]

    /// Phrases of a refusal or of a model talking about itself instead of answering (lowercase).
    static let refusalPhrases = ["as an ai", "i'm sorry", "i am sorry", "i cannot", "i can't", "language model"]

    /// The statistics of `response` to `query`, `names.count` values.
    public static func compute(query: String, response: String) -> [Float] {
        let scalars = Array(response.unicodeScalars)
        let chars = scalars.count
        let logChars = log1p(Double(chars))
        let logQueryChars = log1p(Double(query.unicodeScalars.count))

        var words: [String] = []
        var word = String.UnicodeScalarView()
        var lines = 0, listItems = 0, nonASCII = 0
        var lineStart = true
        var index = 0
        for scalar in scalars {
            if scalar.value > 127 { nonASCII += 1 }
            if isWordScalar(scalar) {
                word.append(scalar)
            } else if !word.isEmpty {
                words.append(String(word).lowercased())
                word = String.UnicodeScalarView()
            }
            if scalar == "\n" {
                lines += 1
                lineStart = true
            } else if lineStart, scalar != " ", scalar != "\t", scalar != "\r" {
                if startsListItem(scalars, at: index) { listItems += 1 }
                lineStart = false
            }
            index += 1
        }
        if !word.isEmpty { words.append(String(word).lowercased()) }

        let uniqueWordShare = Double(Set(words).count) / Double(max(words.count, 1))
        var trigrams = Set<String>()
        if words.count >= 3 {
            for i in 0..<(words.count - 2) { trigrams.insert(words[i] + "\u{1F}" + words[i + 1] + "\u{1F}" + words[i + 2]) }
        }
        let trigramCount = max(words.count - 2, 0)
        let repeatedTrigramShare = trigramCount == 0 ? 0 : 1 - Double(trigrams.count) / Double(trigramCount)
        // Typographic apostrophes ("I’m sorry") count as the plain one.
        let lowered = response.lowercased().replacingOccurrences(of: "\u{2019}", with: "'")
        let refusal = refusalPhrases.contains { lowered.contains($0) }
        let last = scalars.last { !$0.properties.isWhitespace }
        let endsCleanly = last.map { ".!?)\"'`".unicodeScalars.contains($0) } ?? false

        let values: [Double] = [
            logChars, logChars * logChars, logChars - logQueryChars, uniqueWordShare, log1p(Double(lines)),
            log1p(Double(listItems)), refusal ? 1 : 0, endsCleanly ? 1 : 0,
            Double(nonASCII) / Double(max(chars, 1)), repeatedTrigramShare,
        ]
        return values.map(Float.init)
    }

    /// Letters, digits and the underscore: what a word is made of.
    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    /// A Markdown-style list item: `-`, `*` or `•` then a space, or digits then `.` or `)` then a space.
    private static func startsListItem(_ scalars: [Unicode.Scalar], at start: Int) -> Bool {
        func isSpace(_ i: Int) -> Bool { i < scalars.count && (scalars[i] == " " || scalars[i] == "\t") }
        let first = scalars[start]
        if first == "-" || first == "*" || first == "•" { return isSpace(start + 1) }
        var i = start
        while i < scalars.count, ("0"..."9").contains(scalars[i]) { i += 1 }
        guard i > start, i < scalars.count, scalars[i] == "." || scalars[i] == ")" else { return false }
        return isSpace(i + 1)
    }
}
