/// The Bradley–Terry gradient of the reward MLP (hidden ReLU layer, one output), in the head's
/// parameter layout: hidden.weight [H][I], hidden.bias [H], output.weight [1][H], output.bias [1].
enum RewardGradient {
    /// Mean over `pairs` of d/dθ −log σ(s(better) − s(worse)).
    static func bradleyTerry(architecture a: HeadArchitecture, parameters p: [Float], features x: Matrix,
                             pairs: ArraySlice<RewardModelTrainer.Pair>) -> [Float] {
        let inputs = a.inputs, hidden = a.hidden
        let w2Offset = hidden * (inputs + 1)
        var gradient = [Float](repeating: 0, count: p.count)
        var pre = [Float](repeating: 0, count: hidden)
        var activation = [[Float]](repeating: [Float](repeating: 0, count: hidden), count: 2)
        var preBoth = [[Float]](repeating: [Float](repeating: 0, count: hidden), count: 2)
        let scale = 1 / Float(max(1, pairs.count))
        for pair in pairs {
            var scores: [Float] = [0, 0]
            for (slot, row) in [pair.better, pair.worse].enumerated() {
                let xBase = row * inputs
                for j in 0..<hidden {
                    var sum = p[hidden * inputs + j]
                    let wBase = j * inputs
                    for i in 0..<inputs { sum += p[wBase + i] * x.values[xBase + i] }
                    pre[j] = sum
                    activation[slot][j] = max(sum, 0)
                }
                preBoth[slot] = pre
                var s = p[w2Offset + hidden]
                for j in 0..<hidden { s += p[w2Offset + j] * activation[slot][j] }
                scores[slot] = s
            }
            // d/ds_better of −log σ(Δ) = −(1 − σ(Δ)); d/ds_worse = +(1 − σ(Δ)).
            let delta = scores[0] - scores[1]
            let g = (1 / (1 + expf(delta))) * scale
            for (slot, row, sign) in [(0, pair.better, -g), (1, pair.worse, g)] {
                gradient[w2Offset + hidden] += sign
                let xBase = row * inputs
                for j in 0..<hidden {
                    gradient[w2Offset + j] += sign * activation[slot][j]
                    guard preBoth[slot][j] > 0 else { continue }
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

import Foundation
