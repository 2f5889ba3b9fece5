extension BertNormalizer {
    /// Whether text may be cut just before `scalar` and the two sides normalised and
    /// pre-tokenised separately with the same words as a whole: so a huge segment can be
    /// normalised a chunk at a time, and the tokenizer stops normalising once it has enough
    /// tokens instead of normalising megabytes it then throws away.
    ///
    /// Cutting before `scalar` is safe when
    /// - the normalised text is the concatenation of the normalised sides: every step is per
    ///   scalar except NFD, whose canonical reordering never moves a mark across a starter
    ///   (canonical combining class 0), and NFD composes nothing; so `scalar`'s decomposition
    ///   must begin with a starter;
    /// - a word ends there anyway: `scalar` normalises to text that begins with whitespace or
    ///   punctuation, which `BertPreTokenizer` splits at.
    ///
    /// Accepted: ASCII space, tab, newline, carriage return and ASCII punctuation (unchanged by
    /// every step, or mapped to a space); non-ASCII space, line and paragraph separators
    /// (spaces under `cleanText`; otherwise unchanged or, for U+2000/U+2001, their space
    /// singleton decompositions); Unicode punctuation (unchanged, or a punctuation singleton
    /// decomposition such as U+037E → ';'); CJK ideographs when `handleChineseCharacters`
    /// (a space is put before them). Other whitespace controls (U+000B, U+0085, …) are not:
    /// `cleanText` deletes them, so they may sit inside a word. A test checks every accepted
    /// scalar.
    func isChunkBoundary(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
                || BertPreTokenizer.isPunctuation(scalar)
        }
        if handleChineseCharacters && Self.isChineseCharacter(scalar) { return true }
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            return true
        default:
            return BertPreTokenizer.isPunctuation(scalar)
        }
    }
}
