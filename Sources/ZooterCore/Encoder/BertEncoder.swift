/// The BERT encoder stack + sentence-transformers head: `Embeddings` → `EncoderLayer` × N →
/// mean pooling over each sequence's tokens (all of them, `[CLS]` and `[SEP]` included) → L2
/// normalisation.
enum BertEncoder {
    /// Runs the stack on a packed batch, leaving the last layer's hidden states in rows
    /// `0..<batch.tokenCount` of `workspace.hidden`. `observer`, when given, sees the embedding
    /// output (index 0) and each layer's output (index k = layer k); tests use it to compare
    /// against `layers.f32`. `layers` stops after that many layers (0: the embedding output).
    static func forward(
        _ batch: PackedBatch, weights: BertWeights, threads: Int, layers: Int? = nil,
        workspace: inout EncoderLayer.Workspace, observer: ((Int, ArraySlice<Float>) -> Void)? = nil
    ) {
        let rows = batch.tokenCount * weights.configuration.hiddenSize
        workspace.reserve(tokens: batch.tokenCount, configuration: weights.configuration)
        Embeddings.forward(batch, weights: weights, threads: threads, into: &workspace.hidden)
        observer?(0, workspace.hidden[..<rows])
        for (index, layer) in weights.layers.prefix(layers ?? weights.layers.count).enumerated() {
            EncoderLayer.forward(
                batch: batch, layer: layer, configuration: weights.configuration,
                workspace: &workspace, threads: threads)
            observer?(index + 1, workspace.hidden[..<rows])
        }
    }

    /// Pooled, L2-normalised sentence embeddings of `batch`, written to rows
    /// `firstRow ..< firstRow + batch.sequences.count` of `output` (`[rows][H]`).
    static func embed(
        _ batch: PackedBatch, weights: BertWeights, threads: Int, workspace: inout EncoderLayer.Workspace,
        into output: inout [Float], firstRow: Int
    ) {
        forward(batch, weights: weights, threads: threads, workspace: &workspace)
        Kernels.meanPoolNormalize(
            workspace.hidden, columns: weights.configuration.hiddenSize, sequences: batch.ranges,
            into: &output, firstRow: firstRow)
    }
}
