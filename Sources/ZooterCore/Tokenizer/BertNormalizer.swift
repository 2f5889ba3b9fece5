import Foundation

/// The BERT text normaliser, matching Hugging Face `tokenizers`' `BertNormalizer`
/// (https://github.com/huggingface/tokenizers/blob/v0.21.0/tokenizers/src/normalizers/bert.rs),
/// which is what `tokenizer.json` of BERT checkpoints selects. Steps, in this order, each over the
/// whole input (all per Unicode scalar, never per grapheme cluster; the tokenizer passes chunks
/// cut where that changes nothing, see `isChunkBoundary`):
/// 1. clean_text: drop U+0000, U+FFFD and "other" scalars (general categories Cc, Cf, Co, Cs;
///    `\t \n \r` excepted); map every White_Space scalar (and `\t \n \r`) to a space. Dropping runs
///    first, so `\u{0B} \u{0C} \u{85} \u{1C}-\u{1F}` (Cc) are deleted, not turned into spaces, while
///    U+00A0 / U+3000 (Zs) become spaces. Unassigned scalars (Cn, e.g. U+0378) are kept: the
///    `unicode_categories` crate's `is_other` does not include Cn.
/// 2. handle_chinese_chars: surround CJK ideographs (`isChineseCharacter`) with spaces.
/// 3. strip_accents (when enabled; `strip_accents: null` follows `lowercase`): NFD, then drop
///    nonspacing marks (Mn). So İ → I, Kelvin sign → K, Angstrom sign → A, Hangul → jamo.
/// 4. lowercase: per-scalar full lowercase mapping (Rust `char::to_lowercase`, not
///    context-sensitive: Σ → σ always, never final ς; ẞ → ß).
struct BertNormalizer: Sendable {
    var cleanText = true
    var handleChineseCharacters = true
    var stripAccents = true
    var lowercase = true

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        output.reserveCapacity(scalars.count + 8)
        // Scalars below U+00C0 have no canonical decomposition and none is a nonspacing mark,
        // so text made only of them is its own NFD: skip the costly decomposition (most text,
        // and hostile ASCII megabytes, never need it).
        var mayDecompose = false
        for scalar in scalars {
            if scalar.value >= 0xC0 { mayDecompose = true }
            if cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isOther(scalar) { continue }
                if Self.isWhitespace(scalar) {
                    output.append(" ")
                    continue
                }
            }
            if handleChineseCharacters && Self.isChineseCharacter(scalar) {
                output.append(" ")
                output.append(scalar)
                output.append(" ")
            } else {
                output.append(scalar)
            }
        }
        if stripAccents && mayDecompose {
            let decomposed = String(String.UnicodeScalarView(output)).decomposedStringWithCanonicalMapping
            output = decomposed.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        }
        if lowercase {
            var lowered: [Unicode.Scalar] = []
            lowered.reserveCapacity(output.count)
            for scalar in output {
                if scalar.isASCII {
                    lowered.append((0x41...0x5A).contains(scalar.value)
                        ? Unicode.Scalar(UInt8(scalar.value) | 0x20) : scalar)
                } else {
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
            }
            output = lowered
        }
        return output
    }

    /// `tokenizers`' `is_whitespace`: `\t \n \r` plus the Unicode White_Space property
    /// (Rust `char::is_whitespace`). ASCII answered without the property look-up.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII { return BertPreTokenizer.isWhitespace(scalar) }
        return scalar.properties.isWhitespace
    }

    /// `tokenizers`' `is_control`: Cc, Cf, Co, Cs (not Cn), except `\t \n \r`.
    static func isOther(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        // ASCII "other" scalars are exactly the controls (Cc).
        if scalar.isASCII { return scalar.value < 0x20 || scalar.value == 0x7F }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    /// The CJK Unified Ideographs blocks of `tokenizers`' `is_chinese_char` (bert.rs). Hiragana,
    /// Katakana and Hangul are not included, so they are not split per character.
    static func isChineseCharacter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0x2A700...0x2B73F,
             0x2B740...0x2B81F, 0x2B920...0x2CEAF, 0xF900...0xFAFF, 0x2F800...0x2FA1F:
            return true
        default:
            return false
        }
    }
}
