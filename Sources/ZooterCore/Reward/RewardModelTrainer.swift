/// Fits a `RewardModel` on judged data with the Bradley–Terry pairwise loss:
/// for responses a, b to one query with judge rewards r_a > r_b, minimise −log σ(s_a − s_b).
///
/// Pairs come from every query's responses (ties skipped). Queries, not pairs, are split into
/// training and held-out sets, so the held-out pairwise agreement with the judge measures how the
/// scorer does on queries it never saw.
public enum RewardModelTrainer {
    public struct Configuration: Sendable {
        public var hidden = 64
        public var learningRate: Float = 2e-3
        public var weightDecay: Float = 1e-3
        public var epochs = 12
        public var batchPairs = 64
        public var heldOutFraction = 0.2
        public var seed: UInt64 = 7
        public init() {}
    }

    public struct Result: Sendable {
        public var model: RewardModel
        /// Share of held-out pairs ordered as the judge ordered them.
        public var heldOutAgreement: Double
        public var trainingAgreement: Double
        public var heldOutPairs: Int
        public var trainingPairs: Int
    }

    /// A comparison: feature rows of the better and the worse response.
    struct Pair { var better: Int; var worse: Int }

    /// - Parameters:
    ///   - features: `[queries × experts][4d]`, row `q * experts + e` for response e of query q.
    ///   - rewards: the judge's rewards, same layout.
    public static func train(features: Matrix, rewards: [Double], queries: Int, experts: Int,
                             configuration c: Configuration = Configuration()) throws(CoreError) -> Result {
        precondition(features.rows == queries * experts && rewards.count == features.rows, "one feature row per response")
        var generator = SeededGenerator(seed: c.seed)
        var order = Array(0..<queries)
        order.shuffle(using: &generator)
        let heldOutCount = Int(Double(queries) * c.heldOutFraction)
        let heldOut = Set(order.prefix(heldOutCount))
        var trainPairs: [Pair] = [], testPairs: [Pair] = []
        for q in 0..<queries {
            for a in 0..<experts {
                for b in 0..<experts where rewards[q * experts + a] > rewards[q * experts + b] {
                    let pair = Pair(better: q * experts + a, worse: q * experts + b)
                    if heldOut.contains(q) { testPairs.append(pair) } else { trainPairs.append(pair) }
                }
            }
        }
        let architecture = HeadArchitecture(kind: .mlp, inputs: features.columns, hidden: c.hidden, outputs: 1, activation: .relu)
        var parameters = HeadWeights.initial(architecture: architecture, prior: [1], experts: ["reward"], generator: &generator).parameters
        var m = [Float](repeating: 0, count: parameters.count), v = m
        let mask = architecture.decayMask
        var step = 0
        for _ in 0..<c.epochs {
            trainPairs.shuffle(using: &generator)
            var start = 0
            while start < trainPairs.count {
                let batch = trainPairs[start..<min(start + c.batchPairs, trainPairs.count)]
                start += c.batchPairs
                let gradient = RewardGradient.bradleyTerry(architecture: architecture, parameters: parameters,
                                                           features: features, pairs: batch)
                step += 1
                let c1 = 1 - pow(0.9, Float(step)), c2 = 1 - pow(0.999, Float(step))
                HeadKernels.adamWStep(parameters: &parameters, gradient: gradient, m: &m, v: &v, decayMask: mask,
                                      learningRate: c.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8,
                                      weightDecay: c.weightDecay, correction1: c1, correction2: c2)
            }
        }
        let model = try RewardModel(weights: HeadWeights(architecture: architecture, parameters: parameters, experts: ["reward"]))
        let scores = model.score(features: features)
        func agreement(_ pairs: [Pair]) -> Double {
            pairs.isEmpty ? 0 : Double(pairs.filter { scores[$0.better] > scores[$0.worse] }.count) / Double(pairs.count)
        }
        return Result(model: model, heldOutAgreement: agreement(testPairs), trainingAgreement: agreement(trainPairs),
                      heldOutPairs: testPairs.count, trainingPairs: trainPairs.count)
    }
}

import Foundation
