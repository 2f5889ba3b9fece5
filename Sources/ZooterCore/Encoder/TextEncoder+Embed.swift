extension TextEncoder {
    /// Token ids of `text` as the model sees them: `[CLS] … [SEP]`, truncated to
    /// `maxSequenceLength`.
    public func tokenize(_ text: String) -> [Int32] {
        tokenizer.encode(text, maxLength: maxSequenceLength)
    }

    /// Token ids truncated to `limit` tokens (at most `maxSequenceLength`), `[SEP]` kept last.
    public func tokenize(_ text: String, limit: Int) -> [Int32] {
        tokenizer.encode(text, maxLength: max(2, min(limit, maxSequenceLength)))
    }

    /// Token count of `text` as the model sees it (`tokenize(text).count`, ≤ `maxSequenceLength`).
    public func tokenCount(_ text: String) -> Int {
        // Stops tokenizing at the window: the rest of a long text cannot change the count.
        min(tokenizer.wordPieceIDs(text, limit: maxSequenceLength - 2).count + 2, maxSequenceLength)
    }

    /// Token count of `text` before truncation, including `[CLS]` and `[SEP]`.
    public func untruncatedTokenCount(_ text: String) -> Int {
        tokenizer.wordPieceIDs(text).count + 2
    }

    /// Token ids without truncation (for diagnostics and tests).
    func tokenizeUntruncated(_ text: String) -> [Int32] {
        tokenizer.encode(text, maxLength: nil)
    }

    /// L2-normalised embeddings, one row per text (`[texts.count][dimension]`, row-major).
    /// Texts longer than `maxSequenceLength` tokens are truncated. An empty list gives a 0-row
    /// matrix.
    public func embed(_ texts: [String]) throws -> Matrix {
        try embed(tokenIDs: texts.map(tokenize))
    }

    /// L2-normalised embeddings of already tokenised sequences (each typically
    /// `[CLS] … [SEP]`). Sequences of mixed lengths are packed without padding. Throws
    /// `EncoderError` for an empty sequence, one longer than `maxSequenceLength`, or an id outside
    /// the vocabulary.
    public func embed(tokenIDs: [[Int32]]) throws -> Matrix {
        try validate(tokenIDs: tokenIDs)
        var output = Matrix(rows: tokenIDs.count, columns: dimension)
        var first = 0
        while first < tokenIDs.count {
            var end = first
            var tokens = 0
            while end < tokenIDs.count, end == first || tokens + tokenIDs[end].count <= tokenBudget {
                tokens += tokenIDs[end].count
                end += 1
            }
            let batch = PackedBatch(Array(tokenIDs[first..<end]))
            workspaces.withWorkspace(tokens: batch.tokenCount, configuration: weights.configuration) { workspace in
                BertEncoder.embed(
                    batch, weights: weights, threads: threads, workspace: &workspace,
                    into: &output.values, firstRow: first)
            }
            first = end
        }
        return output
    }

    /// Throws `CoreError.encoderInput` for an empty sequence, one longer than `maxSequenceLength`,
    /// or an id outside the vocabulary.
    func validate(tokenIDs: [[Int32]]) throws {
        let vocabularySize = weights.configuration.vocabularySize
        for (index, sequence) in tokenIDs.enumerated() {
            guard !sequence.isEmpty else { throw CoreError.encoderInput("sequence \(index) is empty") }
            guard sequence.count <= maxSequenceLength else {
                throw CoreError.encoderInput("sequence \(index) has \(sequence.count) tokens; the limit is \(maxSequenceLength)")
            }
            if let bad = sequence.first(where: { $0 < 0 || Int($0) >= vocabularySize }) {
                throw CoreError.encoderInput("sequence \(index) contains token id \(bad), outside 0..<\(vocabularySize)")
            }
        }
    }

    /// Per-layer hidden states of one sequence, `[layers + 1][tokens][H]` flattened (index 0 =
    /// embedding output, k = layer k). Testing hook for `layers.f32`.
    func layerHiddenStates(tokenIDs: [Int32]) -> [[Float]] {
        var states: [[Float]] = []
        let batch = PackedBatch([tokenIDs])
        var workspace = EncoderLayer.Workspace(tokens: batch.tokenCount, configuration: weights.configuration)
        BertEncoder.forward(batch, weights: weights, threads: threads, workspace: &workspace) { _, hidden in
            states.append(Array(hidden))
        }
        return states
    }
}
