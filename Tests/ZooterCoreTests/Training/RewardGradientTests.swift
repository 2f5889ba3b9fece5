import Foundation
import Testing
@testable import ZooterCore

/// The reward model's Bradley–Terry gradient against central finite differences of the loss
/// computed with the serving forward pass (`HeadKernels.logits`), as the router head's is.
@Suite struct RewardGradientTests {
    @Test func matchesFiniteDifferencesOfTheServingForwardPass() {
        var generator = SeededGenerator(seed: 3)
        let architecture = HeadArchitecture(kind: .mlp, inputs: 8, hidden: 5, outputs: 1, activation: .relu)
        let parameters = (0..<architecture.parameterCount).map { _ in Float(generator.normal()) * 0.5 }
        let features = Matrix(rows: 6, columns: 8, values: (0..<48).map { _ in Float(generator.normal()) })
        let pairs = [RewardModelTrainer.Pair(better: 0, worse: 1), RewardModelTrainer.Pair(better: 2, worse: 3),
                     RewardModelTrainer.Pair(better: 5, worse: 4), RewardModelTrainer.Pair(better: 1, worse: 3)]

        func loss(_ p: [Float]) -> Double {
            let scores = HeadKernels.logits(architecture: architecture, parameters: p, embeddings: features, rows: Array(0..<6)).values
            return pairs.map { pair in
                let delta = Double(scores[pair.better] - scores[pair.worse])
                return log(1 + exp(-delta))  // −log σ(Δ)
            }.reduce(0, +) / Double(pairs.count)
        }

        let analytic = RewardGradient.bradleyTerry(architecture: architecture, parameters: parameters, features: features,
                                                   pairs: pairs[...])
        let epsilon: Float = 1e-3
        var worst = 0.0
        for i in parameters.indices {
            var plus = parameters, minus = parameters
            plus[i] += epsilon
            minus[i] -= epsilon
            let numeric = (loss(plus) - loss(minus)) / Double(2 * epsilon)
            worst = max(worst, abs(numeric - Double(analytic[i])) / max(1e-2, abs(numeric)))
        }
        #expect(worst < 0.05, "worst relative error \(worst)")
    }
}
