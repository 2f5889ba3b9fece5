import Foundation
import Testing
@testable import ZooterCore

@Suite("BERT tokenizer golden parity")
struct BertTokenizerTests {
    /// Every one of the 344 golden rows must match exactly, truncated at 256 and untruncated.
    @Test(.enabled(if: TestSupport.modelAvailable && TestSupport.goldenAvailable,
                   "model folder or ../shared/golden absent (set ZOOTER_SHARED_DIR): golden parity not checked"))
    func goldenTokenIDsMatchExactly() throws {
        let encoder = try #require(TestSupport.encoder)
        let texts = try TestSupport.goldenTexts()
        let tokens = try TestSupport.goldenTokens()
        #expect(texts.count == 344 && tokens.count == 344)
        var truncatedMismatches: [Int] = []
        var untruncatedMismatches: [Int] = []
        for (text, expected) in zip(texts, tokens) {
            if encoder.tokenize(text.text) != expected.ids { truncatedMismatches.append(text.id) }
            if encoder.tokenizeUntruncated(text.text) != expected.idsUntruncated { untruncatedMismatches.append(text.id) }
        }
        #expect(truncatedMismatches.isEmpty, "truncated mismatches at ids \(truncatedMismatches)")
        #expect(untruncatedMismatches.isEmpty, "untruncated mismatches at ids \(untruncatedMismatches)")
    }

    @Test(.enabled(if: TestSupport.modelAvailable, "model folder absent"))
    func tokenCountsAndLimits() throws {
        let encoder = try #require(TestSupport.encoder)
        #expect(encoder.tokenize("") == [101, 102])
        #expect(encoder.tokenize("hello world") == [101, 7592, 2088, 102])
        let long = Array(repeating: "hello", count: 600).joined(separator: " ")
        #expect(encoder.tokenize(long).count == 256)
        #expect(encoder.untruncatedTokenCount(long) == 602)
        // Special tokens in raw text are matched before normalisation, as `tokenizers` does.
        #expect(encoder.tokenize("a [SEP] b") == [101, 1037, 102, 1038, 102])
    }

    @Test func normalizerRules() {
        let normalizer = BertNormalizer()
        func normalize(_ s: String) -> String { String(String.UnicodeScalarView(normalizer.normalize(Array(s.unicodeScalars)))) }
        #expect(normalize("vertical\u{0B}tab") == "verticaltab")
        #expect(normalize("no\u{A0}break") == "no break")
        #expect(normalize("ΟΔΟΣ") == "οδοσ")
        #expect(normalize("İ") == "i")
        #expect(normalize("\u{212A}") == "k")
        #expect(normalize("中文") == " 中  文 ")
        #expect(normalize("zero\u{200B}width") == "zerowidth")
    }

    @Test func wordPieceGreedyLongestMatch() {
        let vocabulary: [String: Int32] = ["[UNK]": 0, "un": 1, "##aff": 2, "##able": 3, "unaff": 4]
        let wordPiece = WordPiece(vocabulary: vocabulary, unknownID: 0)
        var ids: [Int32] = []
        wordPiece.encode(ArraySlice("unaffable".unicodeScalars), into: &ids)
        #expect(ids == [4, 3])
        ids = []
        wordPiece.encode(ArraySlice("unx".unicodeScalars), into: &ids)
        #expect(ids == [0])
    }
}
