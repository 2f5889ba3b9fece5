import Foundation

/// The top of the routing model: mean pooling over each sequence's tokens, L2 normalisation, the
/// routing head (linear, or an MLP with one hidden layer), softmax, and the batch mean of
/// KL(target ‖ p); and the gradient of that loss with respect to the last hidden states and the
/// head's parameters.
struct RoutingLossLayer {
    /// The head's shape and its parameters in `HeadArchitecture`'s flat layout (the layout the
    /// router serves and `HeadKernels` trains).
    var architecture: HeadArchitecture
    var parameters: [Float]

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
    /// weighted by `scale` (1 / batch size for a batch mean). Adds the head's gradient, in the
    /// parameters' layout, to `headGradient`.
    func apply(hidden: [Float], sequences: [Range<Int>], targets: [[Float]], scale: Float,
               headGradient: inout [Float]) -> Output {
        let h = architecture.inputs, experts = architecture.outputs
        var output = Output(loss: 0, logits: [], pooled: [], pooledGradient: [],
                            hiddenGradient: [Float](repeating: 0, count: hidden.count))
        for (s, range) in sequences.enumerated() {
            var pooled = [Float](repeating: 0, count: h)
            for t in range { for c in 0..<h { pooled[c] += hidden[t * h + c] } }
            for c in 0..<h { pooled[c] /= Float(range.count) }
            let norm = max(pooled.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-12)
            let z = pooled.map { $0 / norm }
            let pass = forward(z)
            let logits = pass.logits
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
            let dz = backward(dLogits, z: z, pass: pass, gradient: &headGradient)
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

    /// What the backward pass needs of one embedding's forward pass through the head.
    struct HeadPass {
        var logits: [Float]
        /// MLP only: the hidden layer before and after the activation.
        var preActivation: [Float] = []
        var activated: [Float] = []
    }

    /// The head's logits for one normalised embedding `z`: the function `HeadKernels.logits` serves
    /// (summed in another order, so equal to rounding, not to the bit).
    func forward(_ z: [Float]) -> HeadPass {
        let a = architecture, n = a.inputs
        func affine(_ x: [Float], weights: Int, bias: Int, rows: Int, columns: Int) -> [Float] {
            (0..<rows).map { r in
                parameters[bias + r] + (0..<columns).reduce(Float(0)) { $0 + parameters[weights + r * columns + $1] * x[$1] }
            }
        }
        switch a.kind {
        case .linear:
            return HeadPass(logits: affine(z, weights: 0, bias: a.outputs * n, rows: a.outputs, columns: n))
        case .mlp:
            let pre = affine(z, weights: 0, bias: a.hidden * n, rows: a.hidden, columns: n)
            let activated = pre.map { HeadKernels.activate($0, a.activation) }
            let logits = affine(activated, weights: a.hidden * (n + 1), bias: a.hidden * (n + 1) + a.outputs * a.hidden,
                                rows: a.outputs, columns: a.hidden)
            return HeadPass(logits: logits, preActivation: pre, activated: activated)
        }
    }

    /// Adds ∂loss/∂parameters to `gradient` given ∂loss/∂logits, and returns ∂loss/∂z.
    func backward(_ dLogits: [Float], z: [Float], pass: HeadPass, gradient: inout [Float]) -> [Float] {
        let a = architecture, n = a.inputs
        /// y = W x + b: adds dy ⊗ x to W's gradient and dy to b's, returns Wᵀ dy.
        func affineBackward(_ dy: [Float], input x: [Float], weights: Int, bias: Int, columns: Int) -> [Float] {
            var dx = [Float](repeating: 0, count: columns)
            for (r, g) in dy.enumerated() {
                gradient[bias + r] += g
                for c in 0..<columns {
                    dx[c] += g * parameters[weights + r * columns + c]
                    gradient[weights + r * columns + c] += g * x[c]
                }
            }
            return dx
        }
        switch a.kind {
        case .linear:
            return affineBackward(dLogits, input: z, weights: 0, bias: a.outputs * n, columns: n)
        case .mlp:
            let dActivated = affineBackward(dLogits, input: pass.activated, weights: a.hidden * (n + 1),
                                            bias: a.hidden * (n + 1) + a.outputs * a.hidden, columns: a.hidden)
            let dPre = (0..<a.hidden).map { dActivated[$0] * HeadKernels.activationDerivative(pass.preActivation[$0], a.activation) }
            return affineBackward(dPre, input: z, weights: 0, bias: a.hidden * n, columns: n)
        }
    }
}
