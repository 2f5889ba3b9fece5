import Foundation

/// A selected head configuration for one outer fold.
struct HeadChoice: Sendable {
    var labels: LabelConfiguration
    var hardLabels: Bool
    var training: TrainingConfiguration
    /// Confidence threshold (0 = off; > 1 = always the fallback expert).
    var threshold: Float
    /// Heads trained on the inner splits with this configuration (averaged with the final head
    /// when `EvaluationConfiguration.ensembleInnerHeads` is on).
    var innerHeads: [HeadWeights]

    var summary: String {
        let labelPart = hardLabels ? "labels=hard"
            : "g=\(labels.transform.rawValue) tau=\(labels.temperature) beta=\(labels.beta)"
        return "\(labelPart) head=\(training.head.rawValue) wd=\(training.weightDecay) threshold=\(thresholdLabel)"
    }

    private var thresholdLabel: String {
        threshold <= 0 ? "off" : threshold > 1 ? "always-fallback" : String(format: "%.3f", threshold)
    }
}

/// Staged hyper-parameter search on the inner splits of one outer training set (see `SelectionGrid`).
/// Results are cached per candidate, so stages and the two ZOOTER variants share trainings.
struct HeadSelector {
    let runner: FoldRunner
    let splits: [(train: [Int], validation: [Int])]
    private var cache: [Candidate: Evaluated] = [:]

    init(runner: FoldRunner, splits: [(train: [Int], validation: [Int])]) {
        self.runner = runner
        self.splits = splits
    }

    struct Candidate: Hashable {
        var labels: LabelConfiguration
        var hard: Bool
        var head: HeadKind
        var decay: Float
    }

    struct Evaluated {
        /// Pooled inner-validation mean reward of the argmax choice.
        var score: Double
        /// Inner-validation probabilities, one matrix per split (rows = split.validation).
        var probabilities: [Matrix]
        /// The head trained on each split.
        var heads: [HeadWeights]
    }

    private var grid: SelectionGrid { runner.configuration.grid }

    mutating func selectZooter(withTags: Bool) -> HeadChoice {
        let head0 = grid.heads.first ?? .linear, decay0 = grid.weightDecays.first ?? 0.01
        var best: Candidate? = nil
        var bestScore = -Double.infinity
        func consider(_ candidate: Candidate, _ score: Double) {
            if score > bestScore { best = candidate; bestScore = score }
        }
        for transform in grid.transforms {
            for temperature in grid.temperatures {
                let c = Candidate(labels: LabelConfiguration(transform: transform, temperature: temperature, beta: 1),
                                  hard: false, head: head0, decay: decay0)
                consider(c, evaluate(c).score)
            }
        }
        guard var chosen = best else { preconditionFailure("empty label grid") }
        if withTags && runner.configuration.tagSource != .none {
            for beta in grid.betas where beta < 1 {
                var c = chosen
                c.labels.beta = beta
                consider(c, evaluate(c).score)
            }
            chosen = best ?? chosen
        }
        if !withTags {
            chosen.labels.beta = 1
            bestScore = evaluate(chosen).score
            best = chosen
        }
        for head in grid.heads {
            for decay in grid.weightDecays {
                var c = chosen
                c.head = head
                c.decay = decay
                consider(c, evaluate(c).score)
            }
        }
        return choice(for: best ?? chosen)
    }

    mutating func selectHardLabel() -> HeadChoice {
        var best: Candidate? = nil
        var bestScore = -Double.infinity
        for head in grid.heads {
            for decay in grid.weightDecays {
                let c = Candidate(labels: LabelConfiguration(), hard: true, head: head, decay: decay)
                let score = evaluate(c).score
                if score > bestScore { best = c; bestScore = score }
            }
        }
        guard let best else { preconditionFailure("empty head grid") }
        return choice(for: best)
    }

    private mutating func choice(for candidate: Candidate) -> HeadChoice {
        let evaluated = evaluate(candidate)
        return HeadChoice(labels: candidate.labels, hardLabels: candidate.hard, training: training(candidate),
                          threshold: selectThreshold(evaluated), innerHeads: evaluated.heads)
    }

    private func training(_ c: Candidate) -> TrainingConfiguration {
        var t = runner.configuration.training
        t.head = c.head
        t.weightDecay = c.decay
        return t
    }

    private mutating func evaluate(_ c: Candidate) -> Evaluated {
        if let hit = cache[c] { return hit }
        var total = 0.0, count = 0
        var probabilities: [Matrix] = []
        var heads: [HeadWeights] = []
        let candidateID = "\(c.labels.transform.rawValue)|\(c.labels.temperature)|\(c.labels.beta)|\(c.hard)|\(c.head.rawValue)|\(c.decay)"
        for (index, split) in splits.enumerated() {
            let targets = c.hard ? LabelBuilder.hardLabels(runner.rewards)
                : LabelBuilder.labels(runner.rewards, configuration: c.labels, tags: runner.tags,
                                      trainingRows: split.train)
            var t = training(c)
            t.seed = runner.trainingSeed(stream: 0x5E1EC7, candidate: candidateID.hashValueStable, split: index)
            let result = HeadTrainer.train(embeddings: runner.embeddings, targets: targets, rows: split.train,
                                           experts: runner.experts, configuration: t)
            let p = RouterHead(weights: result.weights).probabilities(runner.embeddings, rows: split.validation)
            probabilities.append(p)
            heads.append(result.weights)
            total += runner.meanReward(RoutingPolicy.argmax.choose(p), rows: split.validation) * Double(split.validation.count)
            count += split.validation.count
        }
        let evaluated = Evaluated(score: total / Double(max(count, 1)), probabilities: probabilities, heads: heads)
        cache[c] = evaluated
        return evaluated
    }

    /// Threshold maximising pooled inner-validation reward; candidates: 0 (off), quantiles of the
    /// validation max-probabilities, and 2 (always the split's best single). Ties keep the earlier.
    ///
    /// One-standard-error rule: the routed threshold is kept only when its pooled gain over always
    /// using the best single expert exceeds one standard error of that gain (paired over the
    /// validation rows); otherwise the router falls back everywhere. Where the text carries no
    /// routing signal (routerbench-11, where one model wins nearly every query), a gain picked
    /// out of several noisy candidates is more likely selection noise than signal.
    private func selectThreshold(_ evaluated: Evaluated) -> Float {
        var maxima: [Float] = []
        for p in evaluated.probabilities {
            for r in 0..<p.rows { maxima.append(p.row(r).max() ?? 0) }
        }
        maxima.sort()
        var candidates: [Float] = [0]
        for q in grid.thresholdQuantiles where !maxima.isEmpty {
            candidates.append(maxima[min(maxima.count - 1, Int(q * Double(maxima.count)))])
        }
        let alwaysFallback: Float = 2
        candidates.append(alwaysFallback)
        var best: Float = 0
        var bestScore = -Double.infinity
        let fallbacks = splits.map { runner.bestSingle(rows: $0.train) }
        func rowRewards(_ threshold: Float) -> [Double] {
            var out: [Double] = []
            for (index, split) in splits.enumerated() {
                let policy = RoutingPolicy(threshold: threshold, fallbackExpert: fallbacks[index])
                let choices = policy.choose(evaluated.probabilities[index])
                for (choice, row) in zip(choices, split.validation) { out.append(runner.rewards[row, choice]) }
            }
            return out
        }
        for threshold in candidates {
            let total = rowRewards(threshold).reduce(0, +)
            if total > bestScore + 1e-12 { best = threshold; bestScore = total }
        }
        guard best != alwaysFallback else { return best }
        let gains = zip(rowRewards(best), rowRewards(alwaysFallback)).map { $0 - $1 }
        guard gains.count > 1 else { return best }
        let meanGain = gains.reduce(0, +) / Double(gains.count)
        let variance = gains.reduce(0) { $0 + ($1 - meanGain) * ($1 - meanGain) } / Double(gains.count - 1)
        let standardError = (variance / Double(gains.count)).squareRoot()
        return meanGain > standardError ? best : alwaysFallback
    }
}
