/// The BERT encoder stack + sentence-transformers head: `Embeddings` → `EncoderLayer` × N →
/// mean pooling over each sequence's tokens (all of them, `[CLS]` and `[SEP]` included) → L2
/// normalisation.
enum BertEncoder {
    /// Hidden states `[tokens][H]` of the last layer for a packed batch. `observer`, when given,
    /// sees the embedding output (index 0) and each layer's output (index k = layer k); tests use
    /// it to compare against `layers.f32`.
    /// `layers` stops after that many layers (0: the embedding output).
    static func hiddenStates(
        _ batch: PackedBatch, weights: BertWeights, threads: Int, layers: Int? = nil,
        observer: ((Int, [Float]) -> Void)? = nil
    ) -> [Float] {
        var hidden = Embeddings.forward(batch, weights: weights, threads: threads)
        observer?(0, hidden)
        var workspace = EncoderLayer.Workspace(tokens: batch.tokenCount, configuration: weights.configuration)
        for (index, layer) in weights.layers.prefix(layers ?? weights.layers.count).enumerated() {
            EncoderLayer.forward(
                &hidden, batch: batch, layer: layer, configuration: weights.configuration,
                workspace: &workspace, threads: threads)
            observer?(index + 1, hidden)
        }
        return hidden
    }

    /// Pooled, L2-normalised sentence embeddings of `batch`, written to rows
    /// `firstRow ..< firstRow + batch.sequences.count` of `output` (`[rows][H]`).
    static func embed(
        _ batch: PackedBatch, weights: BertWeights, threads: Int,
        into output: inout [Float], firstRow: Int
    ) {
        let hidden = hiddenStates(batch, weights: weights, threads: threads)
        Kernels.meanPoolNormalize(
            hidden, columns: weights.configuration.hiddenSize, sequences: batch.ranges,
            into: &output, firstRow: firstRow)
    }
}
