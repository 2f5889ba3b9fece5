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
    /// Activation buffers of a forward pass: the hidden states and each layer's intermediates,
    /// reused across the layers and, through `WorkspacePool`, across passes. Buffers may be longer
    /// than a batch needs (every kernel writes the rows it is given before reading them).
    struct Workspace {
        var hidden: [Float] = []
        var queryKeyValue: [Float] = []
        var context: [Float] = []
        var attended: [Float] = []
        var inner: [Float] = []

        init(tokens: Int, configuration c: BertConfiguration) {
            reserve(tokens: tokens, configuration: c)
        }

        /// Grows the buffers to hold `tokens` tokens; never shrinks them.
        mutating func reserve(tokens: Int, configuration c: BertConfiguration) {
            Self.grow(&hidden, to: tokens * c.hiddenSize)
            Self.grow(&queryKeyValue, to: tokens * 3 * c.hiddenSize)
            Self.grow(&context, to: tokens * c.hiddenSize)
            Self.grow(&attended, to: tokens * c.hiddenSize)
            Self.grow(&inner, to: tokens * c.intermediateSize)
        }

        /// Element count of all buffers (what a pool keeps alive).
        var count: Int { hidden.count + queryKeyValue.count + context.count + attended.count + inner.count }

        private static func grow(_ buffer: inout [Float], to count: Int) {
            if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
        }
    }

    /// One layer on `w.hidden` in place (rows `0..<batch.tokenCount`).
    static func forward(
        batch: PackedBatch, layer: EncoderLayerWeights,
        configuration c: BertConfiguration, workspace w: inout Workspace, threads: Int
    ) {
        let t = batch.tokenCount, h = c.hiddenSize
        let epsilon = Float(c.layerNormEpsilon)
        Kernels.linear(w.hidden, rows: t, weight: layer.queryKeyValue, into: &w.queryKeyValue, threads: threads)
        Kernels.attention(
            qkv: w.queryKeyValue, sequences: batch.ranges, heads: c.headCount,
            headDim: c.headDimension, into: &w.context, threads: threads)
        Kernels.linear(w.context, rows: t, weight: layer.attentionOutput, residual: w.hidden,
                       into: &w.attended, threads: threads)
        Kernels.layerNorm(&w.attended, rows: t, columns: h, gamma: layer.attentionNorm.gamma,
                          beta: layer.attentionNorm.beta, epsilon: epsilon, threads: threads)
        Kernels.linear(w.attended, rows: t, weight: layer.intermediate, gelu: true,
                       into: &w.inner, threads: threads)
        Kernels.linear(w.inner, rows: t, weight: layer.output, residual: w.attended,
                       into: &w.hidden, threads: threads)
        Kernels.layerNorm(&w.hidden, rows: t, columns: h, gamma: layer.outputNorm.gamma,
                          beta: layer.outputNorm.beta, epsilon: epsilon, threads: threads)
    }
}
