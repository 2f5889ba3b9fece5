import ZooterCore

/// Deterministic varied text for tokenizer equivalence tests: vocabulary pieces glued into
/// words, casing, punctuation (ASCII and Unicode), CJK, accents precomposed and decomposed,
/// stray combining marks (also right after spaces, punctuation and CJK, where the tokenizer
/// cuts chunks), every kind of whitespace and control, special tokens, words around the
/// 100-scalar limit, and random scalars from the whole Unicode range.
struct TokenizerFuzzText {
    private var generator: SeededGenerator
    private let pieces: [String]

    /// `vocabulary`: tokens to glue into words (`##` continuations are glued without prefix).
    init(seed: UInt64, vocabulary: [String]) {
        generator = SeededGenerator(seed: seed)
        pieces = vocabulary.map { $0.hasPrefix("##") ? String($0.dropFirst(2)) : $0 }.filter { !$0.isEmpty }
    }

    static let punctuation = Array(".,!?;:'\"()[]{}-_/\\@#$%^&*+=<>|~`¡¿«»—–…。、「」·\u{37E}\u{387}\u{2329}")
    static let whitespace = [" ", " ", " ", "  ", "\t", "\n", "\r\n", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}",
                             "\u{3000}", "\u{2000}", "\u{2001}", "\u{2028}", "\u{2029}", "\u{202F}", "\u{1680}"]
    static let invisible = ["\u{200B}", "\u{FEFF}", "\u{0}", "\u{FFFD}", "\u{1F}", "\u{7F}", "\u{AD}", "\u{E000}", "\u{378}"]
    static let marks: [Unicode.Scalar] = ["\u{301}", "\u{300}", "\u{308}", "\u{323}", "\u{327}", "\u{345}",
                                          "\u{5B0}", "\u{93C}", "\u{94D}", "\u{20DD}", "\u{903}", "\u{3099}"]
    static let words = ["café", "cafe\u{301}", "naïve", "Zürich", "ÅNGSTRÖM", "İstanbul", "\u{212A}elvin",
                        "\u{212B}", "ΟΔΟΣ", "ß", "ẞ", "Straße", "한국어", "ひらがなカタカナ", "ภาษาไทย", "العربية",
                        "क़िला", "हिन्दी", "🚀", "rocket🚀launch", "👍🏽", "🇫🇷", "Tiếng Việt", "ﬁ", "①", "x²",
                        "3.14", "1,000,000", "https://example.com/a_b?c=d#e", "user@example.org", "C++",
                        "[SEP]", "[CLS]", "[MASK]", "[UNK]", "[PAD]", "[SE", "[sep]", "##", "##ing", "unaffable"]

    mutating func next() -> String {
        var text = ""
        for _ in 0..<int(1...12) {
            text += component()
            if int(0...3) > 0 { text += Self.whitespace[int(0...(Self.whitespace.count - 1))] }
        }
        return text
    }

    private mutating func component() -> String {
        switch int(0...19) {
        case 4: return word(pieces: int(4...30))  // long glued words, often over 100 scalars
        case 5: return String(Self.punctuation[int(0...(Self.punctuation.count - 1))])
        case 6: return scalarString(int(0x4E00...0x9FFF), count: int(1...6))
        case 7: return Self.words[int(0...(Self.words.count - 1))]
        case 8: return Self.invisible[int(0...(Self.invisible.count - 1))]
        case 9:  // marks after a letter, a space, punctuation or CJK
            let bases = ["e", " ", ".", "中", "", "#", "\u{F900}"]
            var s = bases[int(0...(bases.count - 1))]
            for _ in 0..<int(1...4) { s.unicodeScalars.append(Self.marks[int(0...(Self.marks.count - 1))]) }
            return s
        case 10: return String(repeating: "zq", count: 52).prefix(int(97...103)).description
        case 11: return word(pieces: int(1...4)).uppercased()
        case 12:  // random scalars, anywhere in Unicode
            var s = ""
            for _ in 0..<int(1...5) {
                if let scalar = Unicode.Scalar(UInt32(int(0...0x10FFFF))) { s.unicodeScalars.append(scalar) }
            }
            return s
        case 13: return String(int(0...99999))
        default: return word(pieces: int(1...3))  // half the time: ordinary words
        }
    }

    private mutating func word(pieces count: Int) -> String {
        (0..<count).map { _ in pieces[int(0...(pieces.count - 1))] }.joined()
    }

    private func scalarString(_ first: Int, count: Int) -> String {
        var s = ""
        for value in first..<(first + count) { if let scalar = Unicode.Scalar(UInt32(value)) { s.unicodeScalars.append(scalar) } }
        return s
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + generator.int(below: range.count)
    }
}
