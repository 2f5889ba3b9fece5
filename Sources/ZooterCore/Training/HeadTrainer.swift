/// Hyper-parameters of head training (distillation of soft labels into a head: the ZOOTER method, arXiv 2311.08692).
public struct TrainingConfiguration: Codable, Sendable, Equatable, Hashable {
    public var head: HeadKind
    /// Hidden units of the MLP head (ignored for `.linear`).
    public var hiddenUnits: Int
    public var activation: Activation
    public var learningRate: Float
    /// Decoupled (AdamW) weight decay on weight matrices; biases are not decayed.
    public var weightDecay: Float
    /// Largest minibatch; reduced on small sets to keep `minimumStepsPerEpoch` steps per epoch.
    public var batchSize: Int
    public var minimumStepsPerEpoch: Int
    public var maxEpochs: Int
    /// Stop after this many epochs without a lower validation KL; the best epoch's weights are kept.
    public var patience: Int
    /// Share of the given rows held out for early stopping (at least 1 row when rows ≥ 10; none below).
    public var validationFraction: Double
    public var seed: UInt64
    /// Retry with lr/3 while the best epoch is below `minimumBestEpoch` (see `HeadTrainer.train`).
    public var adaptiveLearningRate: Bool
    public var minimumBestEpoch: Int
    public var maxLearningRateReductions: Int

    public init(head: HeadKind = .linear, hiddenUnits: Int = 128, activation: Activation = .gelu,
                learningRate: Float = 0.001, weightDecay: Float = 0.01, batchSize: Int = 64,
                minimumStepsPerEpoch: Int = 20, maxEpochs: Int = 200, patience: Int = 6, validationFraction: Double = 0.1, seed: UInt64 = 0,
                adaptiveLearningRate: Bool = true, minimumBestEpoch: Int = 3, maxLearningRateReductions: Int = 3) {
        self.head = head
        self.hiddenUnits = hiddenUnits
        self.activation = activation
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.minimumStepsPerEpoch = minimumStepsPerEpoch
        self.maxEpochs = maxEpochs
        self.patience = patience
        self.validationFraction = validationFraction
        self.seed = seed
        self.adaptiveLearningRate = adaptiveLearningRate
        self.minimumBestEpoch = minimumBestEpoch
        self.maxLearningRateReductions = maxLearningRateReductions
    }
}

/// A trained head and how training went.
public struct TrainingResult: Sendable {
    public var weights: HeadWeights
    public var epochsRun: Int
    /// 1-based epoch whose weights were kept (0 = the initial prior-only head).
    public var bestEpoch: Int
    /// Mean KL(p̂ ‖ q) on the early-stopping rows at the kept epoch (nil without such rows).
    public var validationKL: Double?
    /// Learning rate of the kept run (after adaptive reductions).
    public var learningRate: Float
}

/// Trains routing heads with AdamW on KL(target ‖ softmax(head(x))).
public enum HeadTrainer {
    /// Trains a head on the embedding rows `rows`.
    /// - Parameters:
    ///   - embeddings: `[n][d]` frozen query embeddings (L2-normalised rows).
    ///   - targets: `[n][experts]` label distributions; row r is the target of embedding row r.
    ///   - rows: the rows to learn from (a fold's training rows); early-stopping rows are drawn from them.
    ///   - experts: output names, `targets.columns` of them.
    ///
    /// With `adaptiveLearningRate`, a run whose best early-stopping epoch comes before
    /// `minimumBestEpoch` (the validation KL was best almost at once: the step size overshoots the
    /// signal) is repeated with the learning rate divided by 3, up to `maxLearningRateReductions`
    /// times; the run with the lowest validation KL is kept. Only the early-stopping rows decide.
    public static func train(embeddings: Matrix, targets: Matrix, rows: [Int], experts: [String],
                             configuration c: TrainingConfiguration) -> TrainingResult {
        var best = trainOnce(embeddings: embeddings, targets: targets, rows: rows, experts: experts, configuration: c)
        guard c.adaptiveLearningRate else { return best }
        var attempt = c
        var last = best
        for _ in 0..<c.maxLearningRateReductions {
            guard last.bestEpoch < c.minimumBestEpoch, last.validationKL != nil else { break }
            attempt.learningRate /= 3
            last = trainOnce(embeddings: embeddings, targets: targets, rows: rows, experts: experts, configuration: attempt)
            if let kl = last.validationKL, let bestKL = best.validationKL, kl < bestKL { best = last }
        }
        return best
    }

    static func trainOnce(embeddings: Matrix, targets: Matrix, rows: [Int], experts: [String],
                          configuration c: TrainingConfiguration) -> TrainingResult {
        precondition(embeddings.rows == targets.rows, "one target row per embedding row")
        precondition(targets.columns == experts.count, "one target column per expert")
        precondition(!rows.isEmpty, "training needs rows")
        var generator = SeededGenerator(seed: c.seed, stream: 0x7EAD)
        var order = rows
        generator.shuffle(&order)
        let validationCount = rows.count >= 10 ? max(1, Int(Double(rows.count) * c.validationFraction)) : 0
        let validationRows = Array(order.prefix(validationCount))
        var trainRows = Array(order.dropFirst(validationCount))

        let architecture = HeadArchitecture(kind: c.head, inputs: embeddings.columns, hidden: c.hiddenUnits,
                                            outputs: experts.count, activation: c.activation)
        let prior = LabelStatistics.meanRow(targets, rows: trainRows)
        var parameters = HeadWeights.initial(architecture: architecture, prior: prior, experts: experts,
                                             generator: &generator).parameters
        let mask = architecture.decayMask
        var m = [Float](repeating: 0, count: parameters.count)
        var v = m
        var gradient = m
        let beta1: Float = 0.9, beta2: Float = 0.999
        var correction1: Float = 1, correction2: Float = 1
        let validationTargets = validationRows.isEmpty ? nil : targets.selectingRows(validationRows)

        func validationKL(_ p: [Float]) -> Double? {
            guard let validationTargets else { return nil }
            let z = HeadKernels.logits(architecture: architecture, parameters: p, embeddings: embeddings,
                                       rows: validationRows)
            return LossKernels.meanKL(targets: validationTargets, logits: z)
        }

        var best = parameters
        var bestKL = validationKL(parameters)
        var bestEpoch = 0
        var epochsRun = 0
        // Small training sets get smaller batches so an epoch still takes `minimumStepsPerEpoch`
        // optimiser steps: with a small learning rate, progress is counted in steps, not epochs.
        let batchSize = max(1, min(c.batchSize, trainRows.count / max(1, c.minimumStepsPerEpoch)))
        for epoch in 1...max(1, c.maxEpochs) {
            epochsRun = epoch
            generator.shuffle(&trainRows)
            var start = 0
            while start < trainRows.count {
                let end = min(start + batchSize, trainRows.count)
                for i in gradient.indices { gradient[i] = 0 }
                _ = HeadKernels.accumulateGradient(architecture: architecture, parameters: parameters,
                                                   gradient: &gradient, embeddings: embeddings, targets: targets,
                                                   rows: trainRows[start..<end], scale: 1 / Float(end - start))
                correction1 *= beta1
                correction2 *= beta2
                HeadKernels.adamWStep(parameters: &parameters, gradient: gradient, m: &m, v: &v, decayMask: mask,
                                      learningRate: c.learningRate, beta1: beta1, beta2: beta2, epsilon: 1e-8,
                                      weightDecay: c.weightDecay, correction1: 1 - correction1,
                                      correction2: 1 - correction2)
                start = end
            }
            guard let kl = validationKL(parameters), let currentBest = bestKL else {
                best = parameters
                bestEpoch = epoch
                continue
            }
            if kl < currentBest * (1 - 1e-6) {
                bestKL = kl
                best = parameters
                bestEpoch = epoch
            } else if epoch - bestEpoch >= c.patience {
                break
            }
        }
        return TrainingResult(weights: HeadWeights(architecture: architecture, parameters: best, experts: experts),
                              epochsRun: epochsRun, bestEpoch: bestEpoch, validationKL: bestKL,
                              learningRate: c.learningRate)
    }
}
