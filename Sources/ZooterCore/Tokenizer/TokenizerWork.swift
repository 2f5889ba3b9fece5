/// Work done by one tokenisation, counted so tests can bound the work on hostile text
/// (deterministic, unlike timings on a shared machine).
struct TokenizerWork: Sendable {
    /// Vocabulary-trie look-ups made by WordPiece matching.
    var vocabularyLookups = 0
    /// Raw scalars handed to the normaliser.
    var normalizedScalars = 0
}
