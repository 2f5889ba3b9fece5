/// The WordPiece vocabulary as a trie over Unicode scalars, built once at load time, so that
/// longest-match is one walk along the word with one hash look-up per scalar step and no
/// allocation. (Trying every candidate substring as a new `String`, longest first, costs
/// O(length²) allocations and hashes per word: seconds for a few hundred KB of hostile text.)
///
/// Two roots: `wordStart` holds every vocabulary token as written (a word's first piece is
/// looked up without a prefix, so even `##x` tokens can match there); `continuation` holds the
/// tokens that begin with the continuing-subword prefix, with the prefix removed.
///
/// Stored compactly: nodes are `Int32` indices; one dictionary maps (node, scalar) to the child
/// node, and one array holds each node's token id (-1 for none; vocabulary ids are
/// non-negative, which the loader checks).
///
/// Matching compares scalars exactly, as `tokenizers` compares bytes. A `[String: Int32]`
/// look-up compares under Unicode canonical equivalence instead; the two agree whenever the
/// text and the vocabulary are in NFD, which holds for BERT's accent-stripping normaliser (its
/// output is NFD) and uncased vocabularies (all entries NFD).
struct WordPieceTrie: Sendable {
    static let wordStart: Int32 = 0
    static let continuation: Int32 = 1

    /// `(node << 21) | scalar.value` → child node (scalar values are below 2^21).
    private var children: [UInt64: Int32] = [:]
    /// Token id of each node, -1 when no vocabulary token ends there.
    private var tokenIDs: [Int32] = [-1, -1]

    init(vocabulary: [String: Int32], continuingPrefix: String) {
        children.reserveCapacity(vocabulary.count * 4)
        let prefix = Array(continuingPrefix.unicodeScalars)
        for (token, id) in vocabulary {
            let scalars = Array(token.unicodeScalars)
            insert(scalars[...], id: id, root: Self.wordStart)
            if scalars.starts(with: prefix) {
                insert(scalars[prefix.count...], id: id, root: Self.continuation)
            }
        }
    }

    private mutating func insert(_ scalars: ArraySlice<Unicode.Scalar>, id: Int32, root: Int32) {
        // An empty remainder (the token is exactly the prefix) can never match: matches are
        // at least one scalar long, so the root's id is never read.
        guard !scalars.isEmpty else { return }
        var node = root
        for scalar in scalars {
            let key = Self.key(node, scalar)
            if let child = children[key] {
                node = child
            } else {
                let child = Int32(tokenIDs.count)
                tokenIDs.append(-1)
                children[key] = child
                node = child
            }
        }
        tokenIDs[Int(node)] = id
    }

    /// The longest vocabulary piece starting at `start` in `word`, from `root`: its end index
    /// and id, or nil when not even one scalar matches. Adds one to `lookups` per child
    /// look-up (at most one per scalar walked, plus the failing one).
    func longestMatch(in word: ArraySlice<Unicode.Scalar>, from start: Int, root: Int32,
                      lookups: inout Int) -> (end: Int, id: Int32)? {
        var node = root
        var best: (end: Int, id: Int32)? = nil
        var index = start
        while index < word.endIndex {
            lookups += 1
            guard let child = children[Self.key(node, word[index])] else { break }
            node = child
            index += 1
            let id = tokenIDs[Int(node)]
            if id >= 0 { best = (index, id) }
        }
        return best
    }

    @inline(__always)
    private static func key(_ node: Int32, _ scalar: Unicode.Scalar) -> UInt64 {
        UInt64(UInt32(bitPattern: node)) << 21 | UInt64(scalar.value)
    }
}
