/// Greedy longest-match-first WordPiece, matching `tokenizers`' WordPiece model
/// (https://github.com/huggingface/tokenizers/blob/v0.21.0/tokenizers/src/models/wordpiece/mod.rs):
/// a word longer than `maxInputCharactersPerWord` Unicode scalars (counted after normalisation)
/// is `[UNK]`; otherwise take the longest vocabulary prefix, then the longest `##`-prefixed
/// continuation, and so on; if any position has no match the whole word becomes one `[UNK]`.
///
/// Matching walks a `WordPieceTrie`, so a word costs O(length × longest piece) look-ups and no
/// allocation, whatever the text.
struct WordPiece: Sendable {
    /// Token → id, as loaded (also read by the encoder to range-check ids).
    let vocabulary: [String: Int32]
    let unknownID: Int32
    let continuingPrefix: String
    let maxInputCharactersPerWord: Int
    private let trie: WordPieceTrie

    init(vocabulary: [String: Int32], unknownID: Int32, continuingPrefix: String = "##",
         maxInputCharactersPerWord: Int = 100) {
        self.vocabulary = vocabulary
        self.unknownID = unknownID
        self.continuingPrefix = continuingPrefix
        self.maxInputCharactersPerWord = maxInputCharactersPerWord
        self.trie = WordPieceTrie(vocabulary: vocabulary, continuingPrefix: continuingPrefix)
    }

    /// Appends the word-piece ids of `word` to `ids`.
    func encode(_ word: ArraySlice<Unicode.Scalar>, into ids: inout [Int32]) {
        var lookups = 0
        encode(word, into: &ids, lookups: &lookups)
    }

    /// Appends the word-piece ids of `word` to `ids`, adding the trie look-ups made to `lookups`.
    func encode(_ word: ArraySlice<Unicode.Scalar>, into ids: inout [Int32], lookups: inout Int) {
        guard word.count <= maxInputCharactersPerWord else {
            ids.append(unknownID)
            return
        }
        let firstPiece = ids.count
        var start = word.startIndex
        while start < word.endIndex {
            let root = start == word.startIndex ? WordPieceTrie.wordStart : WordPieceTrie.continuation
            guard let match = trie.longestMatch(in: word, from: start, root: root, lookups: &lookups) else {
                ids.removeSubrange(firstPiece...)
                ids.append(unknownID)
                return
            }
            ids.append(match.id)
            start = match.end
        }
    }
}
