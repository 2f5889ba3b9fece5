import Foundation

/// The top of the routing model: mean pooling over each sequence's tokens, L2 normalisation, a
/// linear head, softmax, and the batch mean of KL(target ‖ p); and the gradient of that loss with
/// respect to the last hidden states and the head.
struct RoutingLossLayer {
    /// Head weight `[experts][H]` and bias `[experts]`.
    var head: LinearParameters

    struct Output {
        /// Σ over the batch of `scale` · KL(target ‖ p).
        var loss: Double
        var logits: [[Float]]
        /// Mean-pooled hidden states before normalisation, `[sequences][H]`.
        var pooled: [[Float]]
        /// ∂loss/∂pooled, `[sequences][H]`.
        var pooledGradient: [[Float]]
        /// ∂loss/∂hidden, `[tokens][H]`.
        var hiddenGradient: [Float]
    }

    /// `targets[s]` is sequence s's distribution over the experts; every sequence's loss is
    /// weighted by `scale` (1 / batch size for a batch mean). Adds the head's gradient to `headGradient`.
    func apply(hidden: [Float], sequences: [Range<Int>], targets: [[Float]], scale: Float,
               headGradient: inout LinearParameters) -> Output {
        let h = head.inputs, experts = head.outputs
        var output = Output(loss: 0, logits: [], pooled: [], pooledGradient: [],
                            hiddenGradient: [Float](repeating: 0, count: hidden.count))
        for (s, range) in sequences.enumerated() {
            var pooled = [Float](repeating: 0, count: h)
            for t in range { for c in 0..<h { pooled[c] += hidden[t * h + c] } }
            for c in 0..<h { pooled[c] /= Float(range.count) }
            let norm = max(pooled.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            let z = pooled.map { $0 / norm }
            let logits = (0..<experts).map { e in head.bias[e] + (0..<h).reduce(Float(0)) { $0 + head.weight[e * h + $1] * z[$1] } }
            let top = logits.max() ?? 0
            let exps = logits.map { expf($0 - top) }
            let total = exps.reduce(0, +)
            let q = targets[s]
            output.loss += Double((0..<experts).reduce(Float(0)) { sum, e in
                sum + (q[e] > 0 ? q[e] * (logf(q[e]) - (logits[e] - top - logf(total))) : 0)
            } * scale)

            // ∂/∂logits of scale·KL(q‖softmax) = scale·(p − q); then the head, the normalisation
            // (project out z) and the mean over the sequence's tokens.
            let dLogits = (0..<experts).map { (exps[$0] / total - q[$0]) * scale }
            var dz = [Float](repeating: 0, count: h)
            for e in 0..<experts {
                headGradient.bias[e] += dLogits[e]
                for c in 0..<h {
                    dz[c] += dLogits[e] * head.weight[e * h + c]
                    headGradient.weight[e * h + c] += dLogits[e] * z[c]
                }
            }
            let along = (0..<h).reduce(Float(0)) { $0 + dz[$1] * z[$1] }
            let dPooled = (0..<h).map { (dz[$0] - z[$0] * along) / norm }
            let perToken = 1 / Float(range.count)
            for t in range { for c in 0..<h { output.hiddenGradient[t * h + c] = dPooled[c] * perToken } }
            output.logits.append(logits)
            output.pooled.append(pooled)
            output.pooledGradient.append(dPooled)
        }
        return output
    }
}
