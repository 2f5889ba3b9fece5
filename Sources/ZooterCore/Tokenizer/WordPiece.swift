/// Greedy longest-match-first WordPiece, matching `tokenizers`' WordPiece model
/// (https://github.com/huggingface/tokenizers/blob/v0.21.0/tokenizers/src/models/wordpiece/mod.rs):
/// a word longer than `maxInputCharactersPerWord` Unicode scalars (counted after normalisation)
/// is `[UNK]`; otherwise take the longest vocabulary prefix, then the longest `##`-prefixed
/// continuation, and so on; if any position has no match the whole word becomes one `[UNK]`.
struct WordPiece: Sendable {
    let vocabulary: [String: Int32]
    let unknownID: Int32
    var continuingPrefix = "##"
    var maxInputCharactersPerWord = 100

    /// Appends the word-piece ids of `word` to `ids`.
    func encode(_ word: ArraySlice<Unicode.Scalar>, into ids: inout [Int32]) {
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
}
