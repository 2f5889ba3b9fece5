/// The router the trainer ships: hyper-parameters chosen on inner folds of all the training data
/// (exactly as each outer fold of the evaluation chooses them), then one head trained on it all.
public struct FittedRouter: Sendable {
    public var weights: HeadWeights
    public var labels: LabelConfiguration
    public var training: TrainingConfiguration
    /// Confidence threshold (0 = off); below it the fallback expert is chosen.
    public var threshold: Float
    /// The best single expert on the training data: the fallback.
    public var fallbackExpert: Int
    /// A readable record of what was selected.
    public var selection: String
}

public enum RouterFitter {
    /// Selects and trains on every row of `rewards`. `tags[i]` are row i's tags (for label
    /// enhancement); `configuration` supplies the grid, inner scheme and seed.
    public static func fit(embeddings: Matrix, rewards: RewardTable, tags: [[String]], experts: [String],
                           configuration: EvaluationConfiguration, seed: UInt64) -> FittedRouter {
        precondition(embeddings.rows == rewards.rows && tags.count == rewards.rows && experts.count == rewards.experts,
                     "embeddings, rewards and tags must describe the same rows")
        let rows = Array(0..<rewards.rows)
        let runner = FoldRunner(embeddings: embeddings, rewards: rewards, tags: tags, experts: experts,
                                trainRows: rows, testRows: [], seed: seed, fold: 0, configuration: configuration,
                                observer: nil)
        let splits = CrossValidation.innerSplits(rows, scheme: configuration.innerScheme(trainingRows: rows.count), seed: seed)
        var selector = HeadSelector(runner: runner, splits: splits)
        let choice = selector.selectZooter(withTags: true)
        let targets = LabelBuilder.labels(rewards, configuration: choice.labels, tags: tags, trainingRows: rows)
        var training = choice.training
        training.seed = runner.trainingSeed(stream: 0xF17A1, candidate: choice.summary.hashValueStable)
        let result = HeadTrainer.train(embeddings: embeddings, targets: targets, rows: rows, experts: experts,
                                       configuration: training)
        return FittedRouter(weights: result.weights, labels: choice.labels, training: training,
                            threshold: choice.threshold, fallbackExpert: runner.bestSingle(rows: rows),
                            selection: choice.summary)
    }
}

extension RouterFitter {
    /// The shipped router with the encoder's top layers fine-tuned: `fitted`'s labels, the epoch
    /// count chosen on the first inner split of all rows, then refitted on all of them, exactly as
    /// each outer fold of `evaluate --finetune-layers` does (`bestEpoch` 0: the frozen router won).
    public static func fineTune(_ fitted: FittedRouter, embeddings: Matrix, rewards: RewardTable, tags: [[String]],
                                experts: [String], inputs: FineTuningInputs, configuration: EvaluationConfiguration,
                                seed: UInt64) throws(CoreError) -> FineTunedEncoder {
        let rows = Array(0..<rewards.rows)
        let runner = FoldRunner(embeddings: embeddings, rewards: rewards, tags: tags, experts: experts,
                                trainRows: rows, testRows: [], seed: seed, fold: 0, configuration: configuration,
                                observer: nil)
        let splits = CrossValidation.innerSplits(rows, scheme: configuration.innerScheme(trainingRows: rows.count), seed: seed)
        guard let split = splits.first, !split.validation.isEmpty else {
            throw .evaluation(.invalidConfiguration("fine-tuning needs enough rows for a validation split"))
        }
        return try runner.fineTune(labels: fitted.labels, training: fitted.training, threshold: fitted.threshold,
                                   candidate: fitted.selection,
                                   inputs: inputs, split: split)
    }
}
