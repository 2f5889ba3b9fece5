/// One BERT encoder layer over a packed batch, mirroring `BertLayer`:
///
///     qkv      = hidden · Wqkvᵀ + bqkv                      [T][3H]
///     context  = MultiHeadAttention(qkv)                     [T][H]
///     attended = LayerNorm(context · Woᵀ + bo + hidden)       [T][H]
///     inner    = GELU(attended · Wiᵀ + bi)                    [T][I]
///     hidden   = LayerNorm(inner · Wdᵀ + bd + attended)       [T][H]
///
/// Biases, GELU and residual adds are fused into the GEMM epilogues.
enum EncoderLayer {
    /// Activation buffers reused across the layers of one forward pass.
    struct Workspace {
        var queryKeyValue: [Float]
        var context: [Float]
        var attended: [Float]
        var inner: [Float]

        init(tokens: Int, configuration c: BertConfiguration) {
            queryKeyValue = [Float](repeating: 0, count: tokens * 3 * c.hiddenSize)
            context = [Float](repeating: 0, count: tokens * c.hiddenSize)
            attended = [Float](repeating: 0, count: tokens * c.hiddenSize)
            inner = [Float](repeating: 0, count: tokens * c.intermediateSize)
        }
    }

    static func forward(
        _ hidden: inout [Float], batch: PackedBatch, layer: EncoderLayerWeights,
        configuration c: BertConfiguration, workspace w: inout Workspace, threads: Int
    ) {
        let t = batch.tokenCount, h = c.hiddenSize
        let epsilon = Float(c.layerNormEpsilon)
        Kernels.linear(hidden, rows: t, weight: layer.queryKeyValue, into: &w.queryKeyValue, threads: threads)
        Kernels.attention(
            qkv: w.queryKeyValue, sequences: batch.ranges, heads: c.headCount,
            headDim: c.headDimension, into: &w.context, threads: threads)
        Kernels.linear(w.context, rows: t, weight: layer.attentionOutput, residual: hidden,
                       into: &w.attended, threads: threads)
        Kernels.layerNorm(&w.attended, rows: t, columns: h, gamma: layer.attentionNorm.gamma,
                          beta: layer.attentionNorm.beta, epsilon: epsilon, threads: threads)
        Kernels.linear(w.attended, rows: t, weight: layer.intermediate, gelu: true,
                       into: &w.inner, threads: threads)
        Kernels.linear(w.inner, rows: t, weight: layer.output, residual: w.attended,
                       into: &hidden, threads: threads)
        Kernels.layerNorm(&hidden, rows: t, columns: h, gamma: layer.outputNorm.gamma,
                          beta: layer.outputNorm.beta, epsilon: epsilon, threads: threads)
    }
}
