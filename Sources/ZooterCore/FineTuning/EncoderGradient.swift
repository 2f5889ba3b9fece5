import Foundation

/// The gradient of the routing loss with respect to every encoder parameter: the whole
/// sentence encoder (embeddings, every layer, mean pooling, L2 normalisation) followed by a
/// linear routing head, softmax and KL(target ‖ p), averaged over the batch.
///
/// This is the reference implementation of the backward rules: straightforward loops, one
/// sequence at a time, every activation kept. It is what the fast fine-tuning kernels are checked
/// against, and it is itself checked against PyTorch autograd through the real MiniLM
/// (`../shared/golden/minilm-grad`) and against finite differences.
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
                                   headBias: [Float], targets: [[Float]]) throws(CoreError) -> Result {
        let c = parameters.configuration
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
        var gradients = parameters.zeros()
        var result = Result(loss: 0, logits: [], pooled: [], pooledGradient: [], gradients: [:])
        let scale = 1 / Float(sequences.count)
        for (s, ids) in sequences.enumerated() {
            let forward = SequenceForward(parameters: parameters, ids: ids)
            let length = ids.count
            var pooled = [Float](repeating: 0, count: h)
            for t in 0..<length { for c in 0..<h { pooled[c] += forward.output[t * h + c] } }
            for c in 0..<h { pooled[c] /= Float(length) }
            let norm = max(pooled.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            let z = pooled.map { $0 / norm }
            let logits = (0..<experts).map { e in headBias[e] + (0..<h).reduce(Float(0)) { $0 + headWeight[e * h + $1] * z[$1] } }
            let top = logits.max() ?? 0
            let exps = logits.map { expf($0 - top) }
            let total = exps.reduce(0, +)
            let p = exps.map { $0 / total }
            let logP = logits.map { $0 - top - logf(total) }
            let q = targets[s]
            result.loss += Double((0..<experts).reduce(Float(0)) { $0 + (q[$1] > 0 ? q[$1] * (logf(q[$1]) - logP[$1]) : 0) } * scale)

            // ∂/∂logits of the batch mean of KL(q‖softmax) = (p − q) / batch; then the head, the
            // normalisation (project out z) and the mean over the sequence's tokens.
            let dLogits = (0..<experts).map { (p[$0] - q[$0]) * scale }
            var dz = [Float](repeating: 0, count: h)
            for e in 0..<experts { for c in 0..<h { dz[c] += dLogits[e] * headWeight[e * h + c] } }
            let along = (0..<h).reduce(Float(0)) { $0 + dz[$1] * z[$1] }
            let dPooled = (0..<h).map { (dz[$0] - z[$0] * along) / norm }
            var dOutput = [Float](repeating: 0, count: length * h)
            for t in 0..<length { for c in 0..<h { dOutput[t * h + c] = dPooled[c] / Float(length) } }
            forward.backward(dOutput, into: &gradients)

            result.logits.append(logits)
            result.pooled.append(pooled)
            result.pooledGradient.append(dPooled)
        }
        result.gradients = gradients
        return result
    }
}
