import Foundation

/// The Bradley–Terry gradient of the reward MLP (hidden ReLU layer, one output), in the head's
/// parameter layout: hidden.weight [H][I], hidden.bias [H], output.weight [1][H], output.bias [1].
///
/// The forward pass is the serving one: the hidden layer's weights and biases are laid out
/// exactly as a linear head with H outputs, so `HeadKernels.logits` on that view gives every
/// pre-activation the backward pass needs. No second forward implementation to drift.
enum RewardGradient {
    /// Mean over `pairs` of d/dθ −log σ(s(better) − s(worse)).
    static func bradleyTerry(architecture a: HeadArchitecture, parameters p: [Float], features x: Matrix,
                             pairs: ArraySlice<RewardModelTrainer.Pair>) -> [Float] {
        precondition(a.kind == .mlp && a.outputs == 1 && a.activation == .relu, "the reward model is a ReLU MLP with one output")
        let inputs = a.inputs, hidden = a.hidden
        let w2Offset = hidden * (inputs + 1)
        // Rows this batch touches, each computed once however many pairs it is in.
        var slot: [Int: Int] = [:]
        var rows: [Int] = []
        for pair in pairs {
            for row in [pair.better, pair.worse] where slot[row] == nil {
                slot[row] = rows.count
                rows.append(row)
            }
        }
        let layer1 = HeadArchitecture(kind: .linear, inputs: inputs, outputs: hidden)
        let pre = HeadKernels.logits(architecture: layer1, parameters: Array(p[0..<w2Offset]), embeddings: x, rows: rows)
        var scores = [Float](repeating: p[w2Offset + hidden], count: rows.count)
        for r in 0..<rows.count {
            for j in 0..<hidden { scores[r] += p[w2Offset + j] * max(pre[r, j], 0) }
        }

        var gradient = [Float](repeating: 0, count: p.count)
        let scale = 1 / Float(max(1, pairs.count))
        for pair in pairs {
            let (b, w) = (slot[pair.better]!, slot[pair.worse]!)
            // d/ds_better of −log σ(Δ) = −(1 − σ(Δ)); d/ds_worse = +(1 − σ(Δ)).
            let g = (1 / (1 + expf(scores[b] - scores[w]))) * scale
            for (r, row, sign) in [(b, pair.better, -g), (w, pair.worse, g)] {
                gradient[w2Offset + hidden] += sign
                let xBase = row * inputs
                for j in 0..<hidden {
                    let z = pre[r, j]
                    gradient[w2Offset + j] += sign * max(z, 0)
                    guard z > 0 else { continue }
                    let dHidden = sign * p[w2Offset + j]
                    gradient[hidden * inputs + j] += dHidden
                    let wBase = j * inputs
                    for i in 0..<inputs { gradient[wBase + i] += dHidden * x.values[xBase + i] }
                }
            }
        }
        return gradient
    }
}
