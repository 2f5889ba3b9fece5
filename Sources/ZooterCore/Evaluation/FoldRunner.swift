/// Runs every learned method on one outer fold.
///
/// It is handed rewards in which the test rows are already masked (NaN) by the caller, so neither
/// training nor selection can read a test reward; its only outputs are choices for the test rows
/// and the selected hyper-parameters. Oracle and random need the true test rewards and are
/// computed by `Evaluator`, not here.
struct FoldRunner {
    let embeddings: Matrix
    /// `[n][experts]` rewards; rows outside `trainRows` must not be read (they are NaN in practice).
    let rewards: RewardTable
    /// Tags per row. Training rows' tags fit label priors and per-tag means; a test row's own tags
    /// are an input of the per-tag router only.
    let tags: [[String]]
    let experts: [String]
    let trainRows: [Int]
    let testRows: [Int]
    let seed: UInt64
    let fold: Int
    let configuration: EvaluationConfiguration
    let observer: (@Sendable (SelectionEvent) -> Void)?
    /// Relative expert costs known from the training rows; non-nil runs the cost sweep.
    var costs: [Double]? = nil
    /// Every response's reward-scorer features; non-nil runs the hybrid top-k (`HybridTopKReport`).
    var responseFeatures: Matrix? = nil
    /// Non-nil adds the fine-tuned ZOOTER (`RoutingMethod.zooterFineTuned`).
    var fineTuning: FineTuningInputs? = nil

    /// Choices per method for `testRows` (same order) and a readable record of what was selected.
    struct Outcome: Sendable {
        var choices: [RoutingMethod: [Int]] = [:]
        var selections: [RoutingMethod: String] = [:]
        /// With `costs`: per swept router, per point of its grid, the choice for each test row.
        var costChoices: [CostSweep.Method: [[Int]]] = [:]
        /// With `responseFeatures`: per test row, the hybrid top-k's candidates and scores.
        var hybrid: [HybridCandidates]? = nil
    }

    func run() -> Outcome {
        var outcome = Outcome()
        let fallback = bestSingle(rows: trainRows)
        outcome.choices[.bestSingle] = [Int](repeating: fallback, count: testRows.count)
        outcome.selections[.bestSingle] = experts[fallback]

        let splits = CrossValidation.innerSplits(trainRows, scheme: configuration.innerScheme(trainingRows: trainRows.count),
                                                 seed: seed &+ UInt64(fold) &* 7919)
        for split in splits {
            observer?(SelectionEvent(seed: seed, fold: fold, trainingRows: split.train, validationRows: split.validation))
        }
        var selector = HeadSelector(runner: self, splits: splits)

        let zooter = selector.selectZooter(withTags: true)
        let zooterNoTags = selector.selectZooter(withTags: false)
        let hard = selector.selectHardLabel()
        var zooterProbabilities: Matrix? = nil
        for (method, choice) in [(RoutingMethod.zooter, zooter), (.zooterNoTags, zooterNoTags), (.hardLabel, hard)] {
            let probabilities = finalProbabilities(choice)
            if method == .zooter { zooterProbabilities = probabilities }
            outcome.choices[method] = RoutingPolicy(threshold: choice.threshold, fallbackExpert: fallback).choose(probabilities)
            outcome.selections[method] = choice.summary
        }

        if let fineTuning, let zooterChoices = outcome.choices[.zooter],
           let fineTuned = fineTunedChoices(zooter, zooterChoices: zooterChoices, inputs: fineTuning, splits: splits,
                                            fallback: fallback) {
            outcome.choices[.zooterFineTuned] = fineTuned.choices
            outcome.selections[.zooterFineTuned] = fineTuned.summary
        }

        if let responseFeatures, let zooterProbabilities, let zooterChoices = outcome.choices[.zooter] {
            outcome.hybrid = hybridCandidates(responseFeatures: responseFeatures, zooterProbabilities: zooterProbabilities,
                                              zooterChoices: zooterChoices)
        }

        let k = selectNeighbourCount(splits: splits)
        if let costs, let zooterProbabilities {
            outcome.costChoices = costSweep(costs: costs, zooterProbabilities: zooterProbabilities, neighbours: k,
                                            fallback: fallback)
        }
        outcome.choices[.knn] = knnChoices(trainRows: trainRows, queryRows: testRows, counts: [k])[0]
        outcome.selections[.knn] = "k=\(k)"

        outcome.choices[.perTag] = perTagChoices(trainRows: trainRows, queryRows: testRows, fallback: fallback)
        outcome.selections[.perTag] = configuration.tagSource.description

        let ridge = ridgeChoices(splits: splits)
        outcome.choices[.ridge] = ridge.choices
        outcome.selections[.ridge] = ridge.summary
        if let classifier = taskClassifierChoices() {
            outcome.choices[.taskClassifier] = classifier.choices
            outcome.selections[.taskClassifier] = classifier.summary
        }
        return outcome
    }

    /// Trains the selected head on all outer training rows; its probabilities for the test rows.
    private func finalProbabilities(_ choice: HeadChoice) -> Matrix {
        let targets = choice.hardLabels ? LabelBuilder.hardLabels(rewards)
            : LabelBuilder.labels(rewards, configuration: choice.labels, tags: tags, trainingRows: trainRows)
        var training = choice.training
        training.seed = trainingSeed(stream: 0xF17A1, candidate: choice.summary.hashValueStable)
        let result = HeadTrainer.train(embeddings: embeddings, targets: targets, rows: trainRows,
                                       experts: experts, configuration: training)
        var probabilities = RouterHead(weights: result.weights).probabilities(embeddings, rows: testRows)
        if configuration.ensembleInnerHeads && !choice.innerHeads.isEmpty {
            // Average the final head with the inner-split heads of the same configuration: a
            // cheap bagging that lowers the variance of noisy reward signals.
            for head in choice.innerHeads {
                let p = RouterHead(weights: head).probabilities(embeddings, rows: testRows)
                for i in probabilities.values.indices { probabilities.values[i] += p.values[i] }
            }
            let scale = 1 / Float(choice.innerHeads.count + 1)
            for i in probabilities.values.indices { probabilities.values[i] *= scale }
        }
        return probabilities
    }

    func trainingSeed(stream: UInt64, candidate: UInt64, split: Int = 0) -> UInt64 {
        var generator = SeededGenerator(seed: seed, stream: UInt64(fold), stream, candidate, UInt64(split))
        return generator.next()
    }

    /// Expert with the highest mean reward over `rows` (ties to the lower index).
    func bestSingle(rows: [Int]) -> Int {
        var sums = [Double](repeating: 0, count: experts.count)
        for r in rows { for e in 0..<experts.count { sums[e] += rewards[r, e] } }
        return argmax(sums)
    }

    /// Mean reward of `choices[i]` on `rows[i]`.
    func meanReward(_ choices: [Int], rows: [Int]) -> Double {
        guard !rows.isEmpty else { return 0 }
        var total = 0.0
        for (choice, r) in zip(choices, rows) { total += rewards[r, choice] }
        return total / Double(rows.count)
    }
}

/// Index of the largest value, ties to the lower index.
func argmax(_ values: some Collection<Double>) -> Int {
    var best = 0
    var bestValue = -Double.infinity
    for (i, v) in values.enumerated() where v > bestValue {
        best = i
        bestValue = v
    }
    return best
}

extension String {
    /// FNV-1a of the UTF-8 bytes: a hash that, unlike `hashValue`, is stable across runs.
    var hashValueStable: UInt64 { FNV1a64.hash(self) }
}
