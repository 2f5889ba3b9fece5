import Foundation

/// The gradient of the routing loss with respect to every encoder parameter: the whole
/// sentence encoder (embeddings, every layer, mean pooling, L2 normalisation) followed by a
/// linear routing head, softmax and KL(target ‖ p), averaged over the batch.
///
/// It runs the fine-tuner's own layers (`TrainableLayer`, `RoutingLossLayer`) through the whole
/// model, embeddings included, so checking it against PyTorch autograd through the real MiniLM
/// (`../shared/golden/minilm-grad`) checks every backward rule the fine-tuner uses.
public enum EncoderGradient {
    public struct Result: Sendable {
        public var loss: Double
        /// `[sequences][experts]`.
        public var logits: [[Float]]
        /// Mean-pooled hidden states before normalisation, `[sequences][H]`.
        public var pooled: [[Float]]
        /// ∂loss/∂pooled, `[sequences][H]`.
        public var pooledGradient: [[Float]]
        /// Checkpoint name → ∂loss/∂parameter (same layout as `EncoderParameters.tensors`).
        public var gradients: [String: [Float]]
    }

    /// - Parameters:
    ///   - sequences: token ids, `[CLS] … [SEP]`, no padding.
    ///   - headWeight: `[experts][H]`; `headBias`: `[experts]`.
    ///   - targets: `[sequences][experts]` distributions.
    public static func routingLoss(parameters: EncoderParameters, sequences: [[Int32]], headWeight: [Float],
                                   headBias: [Float], targets: [[Float]], threads: Int = 1) throws(CoreError) -> Result {
        let c = parameters.configuration, names = parameters.names, p = parameters.tensors
        let h = c.hiddenSize, experts = headBias.count
        func fail(_ message: String) -> CoreError { .encoderInput("routing loss: \(message)") }
        guard !sequences.isEmpty, targets.count == sequences.count else {
            throw fail("\(sequences.count) sequences and \(targets.count) target rows; need at least one of each, as many of both")
        }
        guard experts > 0, headWeight.count == experts * h, targets.allSatisfy({ $0.count == experts }) else {
            throw fail("the head must be [\(experts)][\(h)] and every target row \(experts) wide")
        }
        for ids in sequences {
            guard (1...c.maxPositionEmbeddings).contains(ids.count) else {
                throw fail("a sequence of \(ids.count) tokens (1...\(c.maxPositionEmbeddings) allowed)")
            }
            guard ids.allSatisfy({ $0 >= 0 && Int($0) < c.vocabularySize }) else {
                throw fail("a token id outside 0..<\(c.vocabularySize)")
            }
        }
        let ranges = PackedBatch(sequences).ranges
        let tokens = ranges.last!.upperBound

        // Embeddings: word + position + token type 0, then LayerNorm.
        let word = p[names.wordEmbeddings]!, position = p[names.positionEmbeddings]!, type = p[names.tokenTypeEmbeddings]!
        var summed = [Float](repeating: 0, count: tokens * h)
        for (ids, range) in zip(sequences, ranges) {
            for (offset, id) in ids.enumerated() {
                let t = range.lowerBound + offset
                for j in 0..<h { summed[t * h + j] = word[Int(id) * h + j] + position[offset * h + j] + type[j] }
            }
        }
        let embedding = TrainingKernels.layerNormForward(summed, rows: tokens, gamma: p[names.embeddingNorm.weight]!,
                                                         beta: p[names.embeddingNorm.bias]!,
                                                         epsilon: Float(c.layerNormEpsilon), threads: threads)
        let layers = (0..<c.layerCount).map { LayerParameters(parameters, layer: $0) }
        var hidden = embedding.output
        var activations: [TrainableLayer.Activations] = []
        for layer in layers {
            let step = TrainableLayer.forward(hidden, sequences: ranges, parameters: layer, configuration: c, threads: threads)
            hidden = step.output
            activations.append(step.activations)
        }

        let top = RoutingLossLayer(architecture: HeadArchitecture(kind: .linear, inputs: h, outputs: experts),
                                   parameters: headWeight + headBias)
        var headGradient = [Float](repeating: 0, count: headWeight.count + experts)
        let loss = top.apply(hidden: hidden, sequences: ranges, targets: targets, scale: 1 / Float(sequences.count),
                             headGradient: &headGradient)

        var gradients: [String: [Float]] = [:]
        var dx = loss.hiddenGradient
        for index in layers.indices.reversed() {
            var layerGradient = layers[index].zeros()
            dx = TrainableLayer.backward(dx, activations: activations[index], sequences: ranges, parameters: layers[index],
                                         gradients: &layerGradient, configuration: c, threads: threads)
            gradients.merge(layerGradient.checkpointTensors(names: names, layer: index)) { $1 }
        }
        var dGamma = [Float](repeating: 0, count: h), dBeta = dGamma
        let dSummed = TrainingKernels.layerNormBackward(dx, normalized: embedding.normalized, inverseStd: embedding.inverseStd,
                                                        gamma: p[names.embeddingNorm.weight]!, dGamma: &dGamma,
                                                        dBeta: &dBeta, threads: threads)
        gradients[names.embeddingNorm.weight] = dGamma
        gradients[names.embeddingNorm.bias] = dBeta
        // Sparse: only the rows of the batch's token ids and positions receive gradient.
        var dWord = [Float](repeating: 0, count: word.count), dPosition = [Float](repeating: 0, count: position.count)
        var dType = [Float](repeating: 0, count: type.count)
        for (ids, range) in zip(sequences, ranges) {
            for (offset, id) in ids.enumerated() {
                let t = range.lowerBound + offset
                for j in 0..<h {
                    let g = dSummed[t * h + j]
                    dWord[Int(id) * h + j] += g
                    dPosition[offset * h + j] += g
                    dType[j] += g
                }
            }
        }
        gradients[names.wordEmbeddings] = dWord
        gradients[names.positionEmbeddings] = dPosition
        gradients[names.tokenTypeEmbeddings] = dType
        return Result(loss: loss.loss, logits: loss.logits, pooled: loss.pooled, pooledGradient: loss.pooledGradient,
                      gradients: gradients)
    }
}
