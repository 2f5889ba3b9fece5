/// A Linear layer's trainable parameters: `weight [out][in]` (the checkpoint's layout), `bias [out]`.
struct LinearParameters: Sendable {
    var weight: [Float]
    var bias: [Float]

    var outputs: Int { bias.count }
    var inputs: Int { weight.count / max(bias.count, 1) }
}

/// One encoder layer's trainable parameters, with Q, K and V fused into one `[3H][H]` projection
/// (rows: Q, then K, then V), as the serving encoder fuses them, so the attention kernels read one
/// `[tokens][3H]` buffer.
struct LayerParameters: Sendable {
    var queryKeyValue: LinearParameters
    var attentionOutput: LinearParameters
    var attentionNorm: LayerNormWeights
    var intermediate: LinearParameters
    var output: LinearParameters
    var outputNorm: LayerNormWeights

    /// Every tensor, in a fixed order (the optimiser's and the reductions' order).
    static var tensors: [WritableKeyPath<LayerParameters, [Float]>] { [
        \.queryKeyValue.weight, \.queryKeyValue.bias, \.attentionOutput.weight, \.attentionOutput.bias,
        \.attentionNorm.gamma, \.attentionNorm.beta, \.intermediate.weight, \.intermediate.bias,
        \.output.weight, \.output.bias, \.outputNorm.gamma, \.outputNorm.beta,
    ] }

    /// Linear weights take weight decay; biases and LayerNorm parameters do not.
    static var decayed: Set<WritableKeyPath<LayerParameters, [Float]>> { [
        \.queryKeyValue.weight, \.attentionOutput.weight, \.intermediate.weight, \.output.weight,
    ] }

    /// Layer `index` of `parameters`.
    init(_ parameters: EncoderParameters, layer index: Int) {
        let n = parameters.names.layer(index), p = parameters.tensors
        func linear(_ pair: (weight: String, bias: String)) -> LinearParameters {
            LinearParameters(weight: p[pair.weight]!, bias: p[pair.bias]!)
        }
        queryKeyValue = LinearParameters(weight: p[n.query.weight]! + p[n.key.weight]! + p[n.value.weight]!,
                                         bias: p[n.query.bias]! + p[n.key.bias]! + p[n.value.bias]!)
        attentionOutput = linear(n.attentionOutput)
        attentionNorm = LayerNormWeights(gamma: p[n.attentionNorm.weight]!, beta: p[n.attentionNorm.bias]!)
        intermediate = linear(n.intermediate)
        output = linear(n.output)
        outputNorm = LayerNormWeights(gamma: p[n.outputNorm.weight]!, beta: p[n.outputNorm.bias]!)
    }

    /// The same shapes, all zeros: a gradient accumulator.
    func zeros() -> LayerParameters {
        var copy = self
        for path in Self.tensors { copy[keyPath: path] = [Float](repeating: 0, count: self[keyPath: path].count) }
        return copy
    }

    /// The tensors under their checkpoint names (Q, K and V split again).
    func checkpointTensors(names: CheckpointNames, layer index: Int) -> [String: [Float]] {
        let n = names.layer(index), h = attentionOutput.outputs
        let w = queryKeyValue.weight, b = queryKeyValue.bias
        return [
            n.query.weight: Array(w[0..<(h * h)]), n.key.weight: Array(w[(h * h)..<(2 * h * h)]),
            n.value.weight: Array(w[(2 * h * h)...]),
            n.query.bias: Array(b[0..<h]), n.key.bias: Array(b[h..<(2 * h)]), n.value.bias: Array(b[(2 * h)...]),
            n.attentionOutput.weight: attentionOutput.weight, n.attentionOutput.bias: attentionOutput.bias,
            n.attentionNorm.weight: attentionNorm.gamma, n.attentionNorm.bias: attentionNorm.beta,
            n.intermediate.weight: intermediate.weight, n.intermediate.bias: intermediate.bias,
            n.output.weight: output.weight, n.output.bias: output.bias,
            n.outputNorm.weight: outputNorm.gamma, n.outputNorm.bias: outputNorm.beta,
        ]
    }
}
