import Testing
@testable import ZooterCore

/// Regression tests for hostile input (unbounded CPU): they bound the work the tokenizer does,
/// counted in vocabulary look-ups and normalised scalars, never wall time. The old algorithm
/// made ~50 look-ups per character on 99-letter non-words (each allocating a String of up to
/// 100 scalars; 128 KiB took seconds), and tokenised a whole 1 MiB text to keep 254 pieces.
@Suite("Tokenizer work bounds")
struct TokenizerWorkBoundTests {
    static let tokenizer: BertTokenizer? = TestSupport.encoder?.tokenizer

    /// 99-letter non-words: the longest words still word-pieced (100 scalars is the limit).
    static func nonWords(bytes: Int) -> String {
        repeated(String(String(repeating: "zq", count: 50).prefix(99)), bytes: bytes)
    }

    static let prose = """
        The committee reviewed the proposal on Thursday and asked for a revised budget before the \
        summer recess. Researchers at the university measured how quickly glaciers retreated over \
        three decades, using satellite photographs and unbelievably patient fieldwork. Her grandmother \
        said: "Don't forget the umbrella; the forecast predicts thunderstorms, hail and strong winds!" \
        Internationalization, tokenization and disambiguation are long words; café, naïve and Zürich \
        carry accents. Version 2.4.1 fixed 17 bugs (see https://example.com/changelog#2-4-1).
        """

    static func repeated(_ unit: String, bytes: Int) -> String {
        var text = ""
        while text.utf8.count < bytes { text += unit; text += " " }
        return text
    }

    static func lookupsPerCharacter(_ text: String, _ tokenizer: BertTokenizer) -> Double {
        var work = TokenizerWork()
        _ = tokenizer.wordPieceIDs(text, limit: nil, work: &work)
        return Double(work.vocabularyLookups) / Double(text.unicodeScalars.count)
    }

    /// One look-up per scalar walked plus one that fails per piece: ~2.5 per character for
    /// "z ##q ##z …" (single-letter pieces; after "##z" the walk also follows "##zquez").
    @Test(.enabled(if: TestSupport.modelAvailable, "model folder absent"))
    func nonWordLookupsPerCharacterAreBounded() throws {
        let tokenizer = try #require(Self.tokenizer)
        let perCharacter = Self.lookupsPerCharacter(Self.nonWords(bytes: 128 * 1024), tokenizer)
        #expect(perCharacter <= 3, "\(perCharacter) look-ups per character")

        // The bound catches the old algorithm (measured on a small sample: it is quadratic).
        var oldLookups = 0
        let sample = Self.nonWords(bytes: 4 * 1024)
        _ = ReferenceTokenizer(tokenizer).wordPieceIDs(sample, lookups: &oldLookups)
        let oldPerCharacter = Double(oldLookups) / Double(sample.unicodeScalars.count)
        #expect(oldPerCharacter > 10 * perCharacter, "old \(oldPerCharacter), new \(perCharacter)")
    }

    @Test(.enabled(if: TestSupport.modelAvailable, "model folder absent"))
    func realTextLookupsPerCharacterAreBounded() throws {
        let tokenizer = try #require(Self.tokenizer)
        let perCharacter = Self.lookupsPerCharacter(Self.repeated(Self.prose, bytes: 128 * 1024), tokenizer)
        #expect(perCharacter <= 2.0, "\(perCharacter) look-ups per character")
    }

    @Test(.enabled(if: TestSupport.modelAvailable && TestSupport.goldenAvailable,
                   "model folder or ../shared/golden absent (set ZOOTER_SHARED_DIR): golden parity not checked"))
    func goldenTextLookupsPerCharacterAreBounded() throws {
        let tokenizer = try #require(Self.tokenizer)
        let golden = try TestSupport.goldenTexts().map(\.text).joined(separator: "\n")
        let perCharacter = Self.lookupsPerCharacter(Self.repeated(golden, bytes: 128 * 1024), tokenizer)
        #expect(perCharacter <= 2.0, "\(perCharacter) look-ups per character")
    }

    /// Encoding 1 MiB with a 256-token limit does work for the ~254 pieces kept, not for the
    /// megabyte: each kept piece costs at most one word of ≤ 100 scalars.
    @Test(.enabled(if: TestSupport.modelAvailable, "model folder absent"))
    func truncatedEncodeWorkIsProportionalToTokensKept() throws {
        let tokenizer = try #require(Self.tokenizer)
        let maxWord = tokenizer.wordPiece.maxInputCharactersPerWord
        for text in [Self.nonWords(bytes: 1 << 20), Self.repeated(Self.prose, bytes: 1 << 20)] {
            var work = TokenizerWork()
            let ids = tokenizer.encode(text, maxLength: 256, work: &work)
            #expect(ids.count == 256)
            #expect(ids == [tokenizer.classifierID] + tokenizer.wordPieceIDs(text).prefix(254) + [tokenizer.separatorID])
            #expect(work.vocabularyLookups <= 2 * 256 * maxWord, "\(work.vocabularyLookups) look-ups")
            #expect(work.normalizedScalars <= tokenizer.chunkLength + 256 * (maxWord + 1),
                    "\(work.normalizedScalars) scalars normalised")
        }
    }
}
