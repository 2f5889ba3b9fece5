/// BERT tokenisation: special tokens → `BertNormalizer` → `BertPreTokenizer` → `WordPiece`,
/// then `[CLS] … [SEP]` with truncation, as `tokenizers.Tokenizer.encode` with the
/// `TemplateProcessing` post-processor of BERT checkpoints.
///
/// Special (added) tokens such as `[SEP]` are matched on the raw text first and never normalised
/// (added tokens with `normalized: false` in `tokenizer.json`), leftmost-longest.
struct BertTokenizer: Sendable {
    let normalizer: BertNormalizer
    let wordPiece: WordPiece
    let classifierID: Int32
    let separatorID: Int32
    /// Added special tokens, longest first, as scalars.
    let specialTokens: [(scalars: [Unicode.Scalar], id: Int32)]

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
    }

    /// Word-piece ids of `text` without `[CLS]`/`[SEP]` and without truncation.
    func wordPieceIDs(_ text: String) -> [Int32] {
        var ids: [Int32] = []
        let scalars = Array(text.unicodeScalars)
        var segmentStart = 0
        var index = 0
        while index < scalars.count {
            if let special = specialToken(in: scalars, at: index) {
                appendOrdinary(scalars[segmentStart..<index], into: &ids)
                ids.append(special.id)
                index += special.length
                segmentStart = index
            } else {
                index += 1
            }
        }
        appendOrdinary(scalars[segmentStart...], into: &ids)
        return ids
    }

    /// `[CLS] pieces [SEP]`, keeping at most `maxLength` ids in total (the first
    /// `maxLength − 2` pieces, as `tokenizers`' LongestFirst truncation of a single sequence).
    func encode(_ text: String, maxLength: Int?) -> [Int32] {
        var pieces = wordPieceIDs(text)
        if let maxLength, pieces.count > maxLength - 2 {
            pieces.removeLast(pieces.count - max(0, maxLength - 2))
        }
        return [classifierID] + pieces + [separatorID]
    }

    private func appendOrdinary(_ segment: ArraySlice<Unicode.Scalar>, into ids: inout [Int32]) {
        guard !segment.isEmpty else { return }
        let normalized = normalizer.normalize(Array(segment))
        for word in BertPreTokenizer.words(normalized) {
            wordPiece.encode(word, into: &ids)
        }
    }

    private func specialToken(in scalars: [Unicode.Scalar], at index: Int) -> (id: Int32, length: Int)? {
        for token in specialTokens where index + token.scalars.count <= scalars.count {
            if scalars[index..<(index + token.scalars.count)].elementsEqual(token.scalars) {
                return (token.id, token.scalars.count)
            }
        }
        return nil
    }
}
