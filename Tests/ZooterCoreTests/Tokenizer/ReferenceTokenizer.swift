@testable import ZooterCore

/// The oracle: BERT tokenisation exactly as it was before the vocabulary trie and bounded work
/// (commit 9de2693). Each special-token-free segment is normalised whole by the old normaliser
/// (`ReferenceNormalizer`); WordPiece tries every candidate piece as a `String`, longest first,
/// in the `[String: Int32]` vocabulary, and counts those look-ups so tests can compare the work
/// of both algorithms. Kept deliberately straightforward: the fast path must agree with it, id
/// for id.
struct ReferenceTokenizer {
    let normalizer: ReferenceNormalizer
    let vocabulary: [String: Int32]
    let unknownID: Int32
    let continuingPrefix: String
    let maxInputCharactersPerWord: Int
    let specialTokens: [(scalars: [Unicode.Scalar], id: Int32)]
    let classifierID: Int32
    let separatorID: Int32

    init(_ tokenizer: BertTokenizer) {
        normalizer = ReferenceNormalizer(options: tokenizer.normalizer)
        vocabulary = tokenizer.wordPiece.vocabulary
        unknownID = tokenizer.wordPiece.unknownID
        continuingPrefix = tokenizer.wordPiece.continuingPrefix
        maxInputCharactersPerWord = tokenizer.wordPiece.maxInputCharactersPerWord
        specialTokens = tokenizer.specialTokens
        classifierID = tokenizer.classifierID
        separatorID = tokenizer.separatorID
    }

    /// A bare WordPiece oracle (no special tokens) for hand-made vocabularies.
    init(vocabulary: [String: Int32], unknownID: Int32, continuingPrefix: String, maxInputCharactersPerWord: Int) {
        normalizer = ReferenceNormalizer(options: BertNormalizer())
        self.vocabulary = vocabulary
        self.unknownID = unknownID
        self.continuingPrefix = continuingPrefix
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        specialTokens = []
        classifierID = -2
        separatorID = -3
    }

    func encode(_ text: String, maxLength: Int?, lookups: inout Int) -> [Int32] {
        encode(pieces: wordPieceIDs(text, lookups: &lookups), maxLength: maxLength)
    }

    /// `encode` given the `wordPieceIDs` of the text (the oracle is slow; tests reuse them).
    func encode(pieces: [Int32], maxLength: Int?) -> [Int32] {
        var pieces = pieces
        if let maxLength, pieces.count > maxLength - 2 {
            pieces.removeLast(pieces.count - max(0, maxLength - 2))
        }
        return [classifierID] + pieces + [separatorID]
    }

    func wordPieceIDs(_ text: String, lookups: inout Int) -> [Int32] {
        var ids: [Int32] = []
        let scalars = Array(text.unicodeScalars)
        var segmentStart = 0
        var index = 0
        while index < scalars.count {
            if let special = specialToken(in: scalars, at: index) {
                appendOrdinary(scalars[segmentStart..<index], into: &ids, lookups: &lookups)
                ids.append(special.id)
                index += special.length
                segmentStart = index
            } else {
                index += 1
            }
        }
        appendOrdinary(scalars[segmentStart...], into: &ids, lookups: &lookups)
        return ids
    }

    func encodeWord(_ word: ArraySlice<Unicode.Scalar>, into ids: inout [Int32], lookups: inout Int) {
        guard word.count <= maxInputCharactersPerWord else {
            ids.append(unknownID)
            return
        }
        let scalars = Array(word)
        var pieces: [Int32] = []
        var start = 0
        while start < scalars.count {
            var end = scalars.count
            var match: Int32? = nil
            while start < end {
                var piece = start > 0 ? continuingPrefix : ""
                piece.unicodeScalars.append(contentsOf: scalars[start..<end])
                lookups += 1
                if let id = vocabulary[piece] {
                    match = id
                    break
                }
                end -= 1
            }
            guard let id = match else {
                ids.append(unknownID)
                return
            }
            pieces.append(id)
            start = end
        }
        ids.append(contentsOf: pieces)
    }

    private func appendOrdinary(_ segment: ArraySlice<Unicode.Scalar>, into ids: inout [Int32], lookups: inout Int) {
        guard !segment.isEmpty else { return }
        let normalized = normalizer.normalize(Array(segment))
        for word in ReferenceNormalizer.words(normalized) {
            encodeWord(word, into: &ids, lookups: &lookups)
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
