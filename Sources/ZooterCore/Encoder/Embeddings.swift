/// BERT embeddings: `LayerNorm(word[id] + position[p] + tokenType[0])` per token.
///
/// Input: a packed batch (`PackedBatch`); output `[tokens][H]` row-major, tokens of all
/// sequences back to back with no padding. Positions restart at 0 for every sequence.
enum Embeddings {
    /// Writes rows `0..<batch.tokenCount` of `hidden` (which may be longer).
    static func forward(_ batch: PackedBatch, weights: BertWeights, threads: Int, into hidden: inout [Float]) {
        let h = weights.configuration.hiddenSize
        precondition(hidden.count >= batch.tokenCount * h, "embeddings: buffer too small")
        for (sequence, range) in zip(batch.sequences, batch.ranges) {
            for (position, id) in sequence.enumerated() {
                let row = (range.lowerBound + position) * h
                weights.wordEmbeddings.copyRow(Int(id), into: &hidden, at: row)
                let positionRow = position * h
                for c in 0..<h {
                    hidden[row + c] += weights.positionEmbeddings[positionRow + c] + weights.tokenTypeEmbedding[c]
                }
            }
        }
        Kernels.layerNorm(
            &hidden, rows: batch.tokenCount, columns: h, gamma: weights.embeddingNorm.gamma,
            beta: weights.embeddingNorm.beta, epsilon: Float(weights.configuration.layerNormEpsilon),
            threads: threads)
    }
}

/// Sequences of token ids packed back to back: sequence `i` occupies rows `ranges[i]` of every
/// `[tokens][…]` activation buffer. No padding rows exist, so padding cannot affect results.
struct PackedBatch {
    let sequences: [[Int32]]
    let ranges: [Range<Int>]
    var tokenCount: Int { ranges.last?.upperBound ?? 0 }

    init(_ sequences: [[Int32]]) {
        self.sequences = sequences
        var start = 0
        ranges = sequences.map { sequence in
            defer { start += sequence.count }
            return start..<(start + sequence.count)
        }
    }
}
