import Testing
@testable import ZooterCore

/// The trie-based, early-stopping tokenizer must give exactly the ids of the reference
/// (pre-trie, tokenise-everything-then-truncate) algorithm, on golden and fuzzed text, for any
/// chunk length and truncation.
@Suite("Tokenizer equivalence with the reference algorithm")
struct TokenizerEquivalenceTests {
    static let tokenizer: BertTokenizer? = TestSupport.encoder?.tokenizer

    /// The same tokenizer cutting chunks at (nearly) every boundary.
    static func withChunkLength(_ length: Int, _ tokenizer: BertTokenizer) -> BertTokenizer {
        var copy = tokenizer
        copy.chunkLength = length
        return copy
    }

    /// Compares untruncated ids with the default, a tiny and a random chunk length, and
    /// truncated ids at `maxLength`; returns a description of the first difference.
    static func difference(_ text: String, _ tokenizer: BertTokenizer, _ reference: ReferenceTokenizer,
                           chunkLength: Int, maxLength: Int) -> String? {
        var lookups = 0
        let expected = reference.wordPieceIDs(text, lookups: &lookups)
        for length in [tokenizer.chunkLength, 1, chunkLength] {
            let actual = withChunkLength(length, tokenizer).wordPieceIDs(text)
            if actual != expected { return "chunk \(length): \(actual) != \(expected) for \(text.debugDescription)" }
        }
        for length in [maxLength, 256, 2, 1, 0] {
            let want = reference.encode(pieces: expected, maxLength: length)
            let got = withChunkLength(chunkLength, tokenizer).encode(text, maxLength: length)
            if got != want { return "maxLength \(length): \(got) != \(want) for \(text.debugDescription)" }
        }
        return nil
    }

    @Test(.enabled(if: TestSupport.modelAvailable && TestSupport.goldenAvailable,
                   "model folder or ../shared/golden absent (set ZOOTER_SHARED_DIR): golden parity not checked"))
    func goldenTextsMatchReference() throws {
        let tokenizer = try #require(Self.tokenizer)
        let reference = ReferenceTokenizer(tokenizer)
        var generator = SeededGenerator(seed: 7)
        for text in try TestSupport.goldenTexts() {
            let problem = Self.difference(text.text, tokenizer, reference,
                                          chunkLength: 1 + generator.int(below: 64), maxLength: 2 + generator.int(below: 40))
            #expect(problem == nil, "golden \(text.id): \(problem ?? "")")
        }
    }

    @Test(.enabled(if: TestSupport.modelAvailable, "model folder absent"))
    func fuzzedTextsMatchReference() throws {
        let tokenizer = try #require(Self.tokenizer)
        let reference = ReferenceTokenizer(tokenizer)
        let vocabulary = tokenizer.wordPiece.vocabulary.sorted { $0.value < $1.value }.map(\.key)
        var fuzz = TokenizerFuzzText(seed: 2024, vocabulary: vocabulary)
        var failures: [String] = []
        for _ in 0..<3000 {
            let text = fuzz.next()
            if let problem = Self.difference(text, tokenizer, reference,
                                             chunkLength: fuzz.int(1...64), maxLength: fuzz.int(2...40)) {
                failures.append(problem)
            }
        }
        #expect(failures.isEmpty, "\(failures.count) differences; first: \(failures.prefix(3))")
    }

    /// Hand-made vocabularies reach cases the MiniLM vocabulary does not: a `##x` token at word
    /// start, a token equal to the prefix, another prefix, no prefix, a tiny word limit.
    @Test func wordPieceMatchesReferenceOnSmallVocabularies() {
        let tokens = ["[UNK]", "a", "ab", "abc", "b", "##", "##a", "##b", "##bc", "##c", "c", "@@a", "@@", "ba", "##cab"]
        let vocabulary = Dictionary(uniqueKeysWithValues: tokens.enumerated().map { ($1, Int32($0)) })
        var generator = SeededGenerator(seed: 11)
        let alphabet: [Unicode.Scalar] = ["a", "b", "c", "#", "@", "d"]
        for prefix in ["##", "@@", ""] {
            for limit in [100, 4] {
                let wordPiece = WordPiece(vocabulary: vocabulary, unknownID: 0, continuingPrefix: prefix,
                                          maxInputCharactersPerWord: limit)
                let reference = ReferenceTokenizer(vocabulary: vocabulary, unknownID: 0, continuingPrefix: prefix,
                                                   maxInputCharactersPerWord: limit)
                for _ in 0..<2000 {
                    let word = (0..<(1 + generator.int(below: 8))).map { _ in alphabet[generator.int(below: alphabet.count)] }
                    var expected: [Int32] = [], actual: [Int32] = []
                    var lookups = 0
                    reference.encodeWord(word[...], into: &expected, lookups: &lookups)
                    wordPiece.encode(word[...], into: &actual)
                    #expect(actual == expected, "prefix '\(prefix)' limit \(limit) word \(String(String.UnicodeScalarView(word)))")
                }
            }
        }
    }
}
