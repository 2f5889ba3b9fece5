extension FoldRunner {
    /// ZOOTER with the encoder's top layers fine-tuned (`fineTune`), routing the test rows with
    /// ZOOTER's threshold rule; where no epoch beat the frozen router on the validation rows, the
    /// frozen ZOOTER's own choices (`zooterChoices`), as `train` then ships the frozen router.
    /// Nil when the inputs cannot train (reported as an absent method, never a crash).
    func fineTunedChoices(_ choice: HeadChoice, zooterChoices: [Int], inputs: FineTuningInputs,
                          splits: [(train: [Int], validation: [Int])], fallback: Int) -> (choices: [Int], summary: String)? {
        guard let split = splits.first,
              let tuned = try? fineTune(labels: choice.labels, training: choice.training, threshold: choice.threshold,
                                        candidate: choice.summary, inputs: inputs, split: split) else { return nil }
        let c = inputs.configuration
        let recipe = "layers=\(c.layers)" + (c.labelBeta.map { " label-beta=\($0)" } ?? "")
            + (c.headHiddenUnits > 0 ? " head=mlp-\(c.headHiddenUnits)" : "")
        guard tuned.bestEpoch > 0 else {
            return (zooterChoices, "\(recipe) epoch=0/\(tuned.history.count - 1) (frozen kept) \(choice.summary)")
        }
        let probabilities = tuned.probabilities(lower: inputs.lower, rows: testRows)
        let choices = RoutingPolicy(threshold: choice.threshold, fallbackExpert: fallback).choose(probabilities)
        return (choices, "\(recipe) epoch=\(tuned.bestEpoch)/\(tuned.history.count - 1) \(choice.summary)")
    }

    /// Fine-tunes for the rows `trainRows`: on the first inner `split`, with a head (linear, or the
    /// MLP of `headHiddenUnits`) trained on the split's training rows as the start, the top layers
    /// and that head together with early stopping on the split's validation rows (which the
    /// starting head has not seen, so epoch 0, the starting head on the frozen encoder, is judged
    /// fairly and wins when fine-tuning does not help), judged by the reward of the experts
    /// ZOOTER's rule (`threshold`, the split's best single expert as the fallback) chooses there,
    /// as the test rows are. When epoch 0 wins, the caller keeps the frozen ZOOTER router (for an
    /// MLP start too: a head of another capacity on frozen embeddings is the frozen router's own
    /// grid's business, not fine-tuning's). When a trained
    /// epoch won, the same is refitted on all `trainRows` for that many epochs of the same schedule
    /// (the frozen router it competes with is trained on all of them too). The result's history
    /// is the inner split's: the evidence the epoch was chosen on.
    func fineTune(labels: LabelConfiguration, training: TrainingConfiguration, threshold: Float, candidate: String,
                  inputs: FineTuningInputs, split: (train: [Int], validation: [Int])) throws(CoreError) -> FineTunedEncoder {
        let policy = RoutingPolicy(threshold: threshold, fallbackExpert: bestSingle(rows: split.train))
        let rewards = self.rewards
        func validationReward(_ probabilities: Matrix) -> Double {
            let choices = policy.choose(probabilities)
            return zip(split.validation, choices).reduce(0.0) { $0 + rewards[$1.0, $1.1] } / Double(max(1, choices.count))
        }
        var labels = labels
        if let beta = inputs.configuration.labelBeta { labels.beta = beta }
        func run(_ rows: [Int], validation: [Int], epochs: Int?) throws(CoreError) -> FineTunedEncoder {
            let targets = LabelBuilder.labels(rewards, configuration: labels, tags: tags, trainingRows: rows)
            var headTraining = training
            // The starting head: linear, or with `headHiddenUnits` an MLP of that width (GELU).
            headTraining.head = inputs.configuration.headHiddenUnits > 0 ? .mlp : .linear
            headTraining.hiddenUnits = max(1, inputs.configuration.headHiddenUnits)
            headTraining.activation = .gelu
            headTraining.seed = trainingSeed(stream: 0xF17E, candidate: candidate.hashValueStable)
            let start = HeadTrainer.train(embeddings: embeddings, targets: targets, rows: rows, experts: experts,
                                          configuration: headTraining).weights
            var configuration = inputs.configuration
            configuration.seed = trainingSeed(stream: 0xF17E, candidate: 1)
            return try EncoderFineTuner.train(parameters: inputs.parameters, lower: inputs.lower, targets: targets,
                                              trainRows: rows, validationRows: validation, head: start,
                                              configuration: configuration, epochs: epochs,
                                              validationReward: validation.isEmpty ? nil : validationReward)
        }
        let inner = try run(split.train, validation: split.validation, epochs: nil)
        guard inner.bestEpoch > 0 else { return inner }
        var refit = try run(trainRows, validation: [], epochs: inner.bestEpoch)
        refit.history = inner.history
        return refit
    }
}
