import Testing
@testable import ZooterCore

/// `BertNormalizer.isChunkBoundary` must only accept scalars before which normalising the two
/// sides separately changes nothing (see its comment). Checked for every Unicode scalar and
/// every normaliser option; the fuzzed equivalence tests check the end result.
@Suite("Tokenizer chunk boundaries")
struct TokenizerChunkBoundaryTests {
    static let normalizers: [BertNormalizer] = [
        BertNormalizer(),
        BertNormalizer(stripAccents: false),
        BertNormalizer(cleanText: false),
        BertNormalizer(handleChineseCharacters: false),
        BertNormalizer(stripAccents: false, lowercase: false),
    ]

    @Test func everyBoundaryStartsAWordAndIsAStarter() {
        for normalizer in Self.normalizers {
            var bad: [String] = []
            var boundaries = 0
            for value in UInt32(0)...0x10FFFF {
                guard let scalar = Unicode.Scalar(value), normalizer.isChunkBoundary(scalar) else { continue }
                boundaries += 1
                let normalized = normalizer.normalize([scalar])
                let splitsWord = normalized.first.map {
                    $0.properties.isWhitespace || BertPreTokenizer.isPunctuation($0)
                } ?? false
                let allStarters = normalized.allSatisfy { $0.properties.canonicalCombiningClass == .notReordered }
                if !splitsWord || !allStarters { bad.append(String(value, radix: 16)) }
            }
            #expect(bad.isEmpty, "\(normalizer): bad boundaries U+\(bad.prefix(10))")
            #expect(boundaries > 700)
        }
    }

    /// Cutting before a boundary and normalising the parts gives the whole, even with marks
    /// that NFD reorders right before and after the cut.
    @Test func normalisingAroundABoundaryIsConcatenation() {
        let marks: [Unicode.Scalar] = ["\u{301}", "\u{323}", "\u{345}", "\u{5B0}", "\u{93C}"]
        let cuts: [Unicode.Scalar] = [" ", "\t", ".", "\u{37E}", "\u{3000}", "\u{2001}", "中", "\u{F900}", "。", "\u{2028}"]
        for normalizer in Self.normalizers {
            for cut in cuts where normalizer.isChunkBoundary(cut) {
                for first in marks {
                    for second in marks {
                        let left: [Unicode.Scalar] = ["A", "\u{C5}", first, second]
                        let right: [Unicode.Scalar] = [cut, second, first, "\u{1E9E}", "\u{212B}"]
                        #expect(normalizer.normalize(left + right) == normalizer.normalize(left) + normalizer.normalize(right))
                    }
                }
            }
        }
    }
}

/// The normaliser's and pre-tokeniser's ASCII / Latin-1 fast paths against the old code.
@Suite("Tokenizer normaliser fast paths")
struct TokenizerNormalizerFastPathTests {
    @Test func everyLowScalarNormalisesAsBefore() {
        for options in TokenizerChunkBoundaryTests.normalizers {
            let reference = ReferenceNormalizer(options: options)
            for value in UInt32(0)...0x3FF {
                let scalar = Unicode.Scalar(value)!
                #expect(options.normalize([scalar]) == reference.normalize([scalar]), "U+\(String(value, radix: 16))")
                #expect(BertPreTokenizer.isWhitespace(scalar) == scalar.properties.isWhitespace)
            }
            var generator = SeededGenerator(seed: 3)
            for _ in 0..<3000 {
                let text = (0..<(1 + generator.int(below: 6))).map { _ in Unicode.Scalar(UInt32(generator.int(below: 0x400)))! }
                let normalized = options.normalize(text)
                #expect(normalized == reference.normalize(text))
                #expect(BertPreTokenizer.words(normalized) == ReferenceNormalizer.words(normalized))
            }
        }
    }
}
