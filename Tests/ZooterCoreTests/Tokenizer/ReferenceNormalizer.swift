import Foundation
@testable import ZooterCore

/// The oracle's normaliser and pre-tokeniser: `BertNormalizer.normalize` and
/// `BertPreTokenizer.words` as they were before their ASCII fast paths (commit 9de2693),
/// applied to a whole segment at once. Only the scalar classifications that did not change
/// (`isChineseCharacter`, `isPunctuation`) are shared with the code under test.
struct ReferenceNormalizer {
    let options: BertNormalizer

    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var output: [Unicode.Scalar] = []
        for scalar in scalars {
            if options.cleanText {
                if scalar.value == 0 || scalar.value == 0xFFFD || Self.isOther(scalar) { continue }
                if scalar == "\t" || scalar == "\n" || scalar == "\r" || scalar.properties.isWhitespace {
                    output.append(" ")
                    continue
                }
            }
            if options.handleChineseCharacters && BertNormalizer.isChineseCharacter(scalar) {
                output += [" ", scalar, " "]
            } else {
                output.append(scalar)
            }
        }
        if options.stripAccents {
            let decomposed = String(String.UnicodeScalarView(output)).decomposedStringWithCanonicalMapping
            output = decomposed.unicodeScalars.filter { $0.properties.generalCategory != .nonspacingMark }
        }
        if options.lowercase {
            var lowered: [Unicode.Scalar] = []
            for scalar in output {
                if scalar.isASCII {
                    lowered.append(scalar.properties.isUppercase ? Unicode.Scalar(UInt8(scalar.value) | 0x20) : scalar)
                } else {
                    lowered.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
                }
            }
            output = lowered
        }
        return output
    }

    static func isOther(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\t" || scalar == "\n" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .format, .privateUse, .surrogate: return true
        default: return false
        }
    }

    static func words(_ scalars: [Unicode.Scalar]) -> [ArraySlice<Unicode.Scalar>] {
        var words: [ArraySlice<Unicode.Scalar>] = []
        var start: Int? = nil
        for (index, scalar) in scalars.enumerated() {
            if scalar.properties.isWhitespace {
                if let s = start { words.append(scalars[s..<index]); start = nil }
            } else if BertPreTokenizer.isPunctuation(scalar) {
                if let s = start { words.append(scalars[s..<index]); start = nil }
                words.append(scalars[index...index])
            } else if start == nil {
                start = index
            }
        }
        if let s = start { words.append(scalars[s...]) }
        return words
    }
}
