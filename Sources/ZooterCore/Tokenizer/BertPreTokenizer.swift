/// Splits normalised text into words, matching `tokenizers`' `BertPreTokenizer`
/// (https://github.com/huggingface/tokenizers/blob/v0.21.0/tokenizers/src/pre_tokenizers/bert.rs):
/// split on White_Space (removed), and isolate every punctuation scalar as its own word.
/// Punctuation = ASCII punctuation (`!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~`, which includes the
/// symbols `$ + < = > ^ ` | ~`) or Unicode categories Pc Pd Ps Pe Pi Pf Po. Emoji and math
/// symbols (So, Sm) are not punctuation, so "rocket🚀launch" stays one word.
enum BertPreTokenizer {
    static func words(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start: Int? = nil
        for (index, scalar) in scalars.enumerated() {
            if isWhitespace(scalar) {
                if let s = start { words.append(scalars[s..<index]); start = nil }
            } else if isPunctuation(scalar) {
                if let s = start { words.append(scalars[s..<index]); start = nil }
                words.append(scalars[index...index])
            } else if start == nil {
                start = index
            }
        }
        if let s = start { words.append(scalars[s...]) }
        return words
    }

    /// Unicode White_Space; for ASCII that is U+0009–U+000D and the space, answered without
    /// the property look-up (most scalars are ASCII).
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return scalar == " " || (0x09...0x0D).contains(scalar.value) }
        return scalar.properties.isWhitespace
    }

    static func isPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x21...0x2F, 0x3A...0x40, 0x5B...0x60, 0x7B...0x7E: return true
        case 0...0x7F: return false
        default: break
        }
        switch scalar.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation:
            return true
        default:
            return false
        }
    }
}
