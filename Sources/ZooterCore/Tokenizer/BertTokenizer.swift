/// BERT tokenisation: special tokens → `BertNormalizer` → `BertPreTokenizer` → `WordPiece`,
/// then `[CLS] … [SEP]` with truncation, as `tokenizers.Tokenizer.encode` with the
/// `TemplateProcessing` post-processor of BERT checkpoints.
///
/// Special (added) tokens such as `[SEP]` are matched on the raw text first and never normalised
/// (added tokens with `normalized: false` in `tokenizer.json`), leftmost-longest.
///
/// Work follows what is kept, not the text's size: the text is read lazily, normalised in
/// chunks of about `chunkLength` scalars cut at `BertNormalizer.isChunkBoundary`, and
/// tokenisation stops once the piece limit is reached. Truncation keeps the first pieces, so
/// stopping early gives the same ids as tokenising everything and truncating, without the cost
/// of normalising and word-piecing a megabyte to keep 254 pieces. Text that yields no pieces
/// (whitespace, controls) or one huge word is still read to its end: linear, once.
struct BertTokenizer: Sendable {
    let normalizer: BertNormalizer
    let wordPiece: WordPiece
    let classifierID: Int32
    let separatorID: Int32
    /// Added special tokens, longest first, as scalars.
    let specialTokens: [(scalars: [Unicode.Scalar], id: Int32)]
    /// First scalars of the special tokens: most positions are rejected with one set look-up.
    private let specialTokenStarts: Set<Unicode.Scalar>
    /// Raw scalars gathered before a chunk is normalised (it is cut at the next boundary after
    /// this many). Large enough that per-chunk overhead is negligible, small enough that work
    /// past the piece limit is too. Tests lower it to exercise chunk edges.
    var chunkLength = 1024

    init(normalizer: BertNormalizer, wordPiece: WordPiece, classifierID: Int32, separatorID: Int32,
         specialTokens: [String: Int32]) {
        self.normalizer = normalizer
        self.wordPiece = wordPiece
        self.classifierID = classifierID
        self.separatorID = separatorID
        self.specialTokens = specialTokens
            .map { (scalars: Array($0.key.unicodeScalars), id: $0.value) }
            .filter { !$0.scalars.isEmpty }
            .sorted { $0.scalars.count > $1.scalars.count }
        self.specialTokenStarts = Set(self.specialTokens.map { $0.scalars[0] })
    }

    /// Word-piece ids of `text` without `[CLS]`/`[SEP]`: all of them, or the first `limit`.
    func wordPieceIDs(_ text: String, limit: Int? = nil) -> [Int32] {
        var work = TokenizerWork()
        return wordPieceIDs(text, limit: limit, work: &work)
    }

    /// `wordPieceIDs(_:limit:)`, adding the work done to `work`.
    func wordPieceIDs(_ text: String, limit: Int?, work: inout TokenizerWork) -> [Int32] {
        let limit = max(0, limit ?? Int.max)
        var ids: [Int32] = []
        guard limit > 0 else { return ids }
        let scalars = text.unicodeScalars
        var chunk: [Unicode.Scalar] = []
        var index = scalars.startIndex
        while index < scalars.endIndex, ids.count < limit {
            let scalar = scalars[index]
            if specialTokenStarts.contains(scalar), let special = specialToken(in: scalars, at: index) {
                appendOrdinary(chunk, into: &ids, limit: limit, work: &work)
                chunk.removeAll(keepingCapacity: true)
                ids.append(special.id)
                index = special.end
                continue
            }
            if chunk.count >= chunkLength && normalizer.isChunkBoundary(scalar) {
                appendOrdinary(chunk, into: &ids, limit: limit, work: &work)
                chunk.removeAll(keepingCapacity: true)
            }
            chunk.append(scalar)
            index = scalars.index(after: index)
        }
        appendOrdinary(chunk, into: &ids, limit: limit, work: &work)
        if ids.count > limit { ids.removeSubrange(limit...) }
        return ids
    }

    /// `[CLS] pieces [SEP]`, keeping at most `maxLength` ids in total (the first
    /// `maxLength − 2` pieces, as `tokenizers`' LongestFirst truncation of a single sequence).
    func encode(_ text: String, maxLength: Int?) -> [Int32] {
        var work = TokenizerWork()
        return encode(text, maxLength: maxLength, work: &work)
    }

    /// `encode(_:maxLength:)`, adding the work done to `work`.
    func encode(_ text: String, maxLength: Int?, work: inout TokenizerWork) -> [Int32] {
        let pieces = wordPieceIDs(text, limit: maxLength.map { $0 - 2 }, work: &work)
        return [classifierID] + pieces + [separatorID]
    }

    /// Normalises, splits and word-pieces one chunk of ordinary text, stopping after the word
    /// that reaches `limit` (a word's pieces are only known once the whole word matched).
    private func appendOrdinary(_ chunk: [Unicode.Scalar], into ids: inout [Int32], limit: Int,
                                work: inout TokenizerWork) {
        guard !chunk.isEmpty, ids.count < limit else { return }
        work.normalizedScalars += chunk.count
        let normalized = normalizer.normalize(chunk)
        for word in BertPreTokenizer.words(normalized) {
            wordPiece.encode(word, into: &ids, lookups: &work.vocabularyLookups)
            if ids.count >= limit { return }
        }
    }

    private func specialToken(in scalars: String.UnicodeScalarView, at index: String.UnicodeScalarView.Index)
        -> (id: Int32, end: String.UnicodeScalarView.Index)? {
        candidates: for token in specialTokens {
            var position = index
            for expected in token.scalars {
                guard position < scalars.endIndex, scalars[position] == expected else { continue candidates }
                position = scalars.index(after: position)
            }
            return (token.id, position)
        }
        return nil
    }
}
