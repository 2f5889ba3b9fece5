/// One encoder layer over a packed batch of sequences (`[tokens][H]`, sequences as token
/// ranges, no padding), forward with every activation the backward pass needs kept, and that
/// backward pass. The same arithmetic as `EncoderLayer` (the serving forward), unfused:
///
///     qkv      = x · Wqkvᵀ + bqkv
///     context  = MultiHeadAttention(qkv)
///     attended = LayerNorm(context · Woᵀ + bo + x)
///     inner    = GELU(attended · Wiᵀ + bi)
///     y        = LayerNorm(inner · Wdᵀ + bd + attended)
enum TrainableLayer {
    /// What the backward pass reads.
    struct Activations {
        var input: [Float]
        var queryKeyValue: [Float]
        var probabilities: [Float]
        var context: [Float]
        var attentionNormalized: [Float]
        var attentionInverseStd: [Float]
        var attended: [Float]
        var preActivation: [Float]
        var activation: [Float]
        var outputNormalized: [Float]
        var outputInverseStd: [Float]
    }

    static func forward(_ x: [Float], sequences: [Range<Int>], parameters p: LayerParameters,
                        configuration c: BertConfiguration, threads: Int) -> (output: [Float], activations: Activations) {
        let tokens = sequences.last?.upperBound ?? 0, epsilon = Float(c.layerNormEpsilon)
        let qkv = Dense.forward(x, rows: tokens, p.queryKeyValue, threads: threads)
        var probabilities = [Float](repeating: 0, count: AttentionTrainingKernel.ProbabilityLayout(
            sequences: sequences, heads: c.headCount).count)
        var context = [Float](repeating: 0, count: tokens * c.hiddenSize)
        AttentionTrainingKernel.forward(qkv: qkv, sequences: sequences, heads: c.headCount, headDim: c.headDimension,
                                        probabilities: &probabilities, context: &context, threads: threads)
        let a = Dense.forward(context, rows: tokens, p.attentionOutput, residual: x, threads: threads)
        let attention = TrainingKernels.layerNormForward(a, rows: tokens, gamma: p.attentionNorm.gamma,
                                                         beta: p.attentionNorm.beta, epsilon: epsilon, threads: threads)
        let u = Dense.forward(attention.output, rows: tokens, p.intermediate, threads: threads)
        let g = TrainingKernels.gelu(u, threads: threads)
        let o = Dense.forward(g, rows: tokens, p.output, residual: attention.output, threads: threads)
        let output = TrainingKernels.layerNormForward(o, rows: tokens, gamma: p.outputNorm.gamma,
                                                      beta: p.outputNorm.beta, epsilon: epsilon, threads: threads)
        return (output.output, Activations(
            input: x, queryKeyValue: qkv, probabilities: probabilities, context: context,
            attentionNormalized: attention.normalized, attentionInverseStd: attention.inverseStd,
            attended: attention.output, preActivation: u, activation: g,
            outputNormalized: output.normalized, outputInverseStd: output.inverseStd))
    }

    /// Returns ∂loss/∂x given ∂loss/∂y; adds the parameters' gradients to `gradients`.
    static func backward(_ dy: [Float], activations s: Activations, sequences: [Range<Int>], parameters p: LayerParameters,
                         gradients: inout LayerParameters, configuration c: BertConfiguration, threads: Int) -> [Float] {
        let tokens = sequences.last?.upperBound ?? 0
        let dO = TrainingKernels.layerNormBackward(dy, normalized: s.outputNormalized, inverseStd: s.outputInverseStd,
                                                   gamma: p.outputNorm.gamma, dGamma: &gradients.outputNorm.gamma,
                                                   dBeta: &gradients.outputNorm.beta, threads: threads)
        let dG = Dense.backward(dO, input: s.activation, rows: tokens, p.output, gradient: &gradients.output, threads: threads)
        let dU = TrainingKernels.geluBackward(dG, preActivation: s.preActivation, threads: threads)
        var dAttended = Dense.backward(dU, input: s.attended, rows: tokens, p.intermediate,
                                       gradient: &gradients.intermediate, threads: threads)
        for j in dAttended.indices { dAttended[j] += dO[j] }  // the residual
        let dA = TrainingKernels.layerNormBackward(dAttended, normalized: s.attentionNormalized,
                                                   inverseStd: s.attentionInverseStd, gamma: p.attentionNorm.gamma,
                                                   dGamma: &gradients.attentionNorm.gamma,
                                                   dBeta: &gradients.attentionNorm.beta, threads: threads)
        let dContext = Dense.backward(dA, input: s.context, rows: tokens, p.attentionOutput,
                                      gradient: &gradients.attentionOutput, threads: threads)
        var dQKV = [Float](repeating: 0, count: s.queryKeyValue.count)
        AttentionTrainingKernel.backward(dContext: dContext, qkv: s.queryKeyValue, probabilities: s.probabilities,
                                         sequences: sequences, heads: c.headCount, headDim: c.headDimension,
                                         dQKV: &dQKV, threads: threads)
        var dx = Dense.backward(dQKV, input: s.input, rows: tokens, p.queryKeyValue,
                                gradient: &gradients.queryKeyValue, threads: threads)
        for j in dx.indices { dx[j] += dA[j] }  // the residual
        return dx
    }
}
