/// The ridge and task-classifier peers: query-only routers that estimate each expert's expected
/// reward (directly, or through the query's task) and pick the largest.
extension FoldRunner {
    /// Ridge regression with the penalty chosen on the inner splits (pooled validation reward;
    /// ties to the smaller penalty), refitted on all outer training rows.
    func ridgeChoices(splits: [(train: [Int], validation: [Int])]) -> (choices: [Int], summary: String) {
        let penalties = configuration.grid.ridgePenalties.sorted()
        var totals = [Double](repeating: 0, count: penalties.count)
        if penalties.count > 1 {
            for split in splits {
                let statistics = RidgeRegression.Statistics(embeddings: embeddings, rewards: rewards, rows: split.train)
                for (i, penalty) in penalties.enumerated() {
                    let model = RidgeRegression(statistics: statistics, relativePenalty: penalty)
                    let choices = model.predict(embeddings, rows: split.validation).map { argmax($0) }
                    totals[i] += meanReward(choices, rows: split.validation) * Double(split.validation.count)
                }
            }
        }
        let penalty = penalties[argmax(totals)]
        let statistics = RidgeRegression.Statistics(embeddings: embeddings, rewards: rewards, rows: trainRows)
        let model = RidgeRegression(statistics: statistics, relativePenalty: penalty)
        return (model.predict(embeddings, rows: testRows).map { argmax($0) }, "penalty=\(penalty)")
    }

    /// A linear softmax classifier of the tags (each training row's distinct tags share its
    /// mass), trained like the routing head; a test row goes to argmax_e Σ_t P(t | x)·μ_{t,e} with
    /// μ the per-tag mean training reward. Nil when no training row has a tag.
    func taskClassifierChoices() -> (choices: [Int], summary: String)? {
        let table = TagRewardTable(rewards: rewards, tags: tags, rows: trainRows)
        guard table.names.count >= 2 else { return nil }
        let index = Dictionary(uniqueKeysWithValues: table.names.enumerated().map { ($1, $0) })
        var targets = Matrix(rows: embeddings.rows, columns: table.names.count)
        var labelled: [Int] = []
        for r in trainRows {
            let seen = Set(tags[r]).compactMap { index[$0] }
            guard !seen.isEmpty else { continue }
            for t in seen { targets[r, t] = 1 / Float(seen.count) }
            labelled.append(r)
        }
        var training = configuration.training
        training.head = .linear
        training.weightDecay = configuration.grid.weightDecays.first ?? 0.01
        training.seed = trainingSeed(stream: 0x7A5C, candidate: 0)
        let classifier = HeadTrainer.train(embeddings: embeddings, targets: targets, rows: labelled,
                                           experts: table.names, configuration: training)
        let probabilities = RouterHead(weights: classifier.weights).probabilities(embeddings, rows: testRows)
        let choices = (0..<testRows.count).map { i in
            var expected = [Double](repeating: 0, count: experts.count)
            for (t, p) in probabilities.row(i).enumerated() {
                for e in 0..<experts.count { expected[e] += Double(p) * table.means[t][e] }
            }
            return argmax(expected)
        }
        return (choices, "tags=\(table.names.count)")
    }
}

/// Per-tag mean reward of each expert over a set of training rows (a row counts once per distinct tag).
struct TagRewardTable {
    /// Tags seen on the rows, sorted.
    let names: [String]
    /// `[names.count][experts]`.
    let means: [[Double]]

    init(rewards: RewardTable, tags: [[String]], rows: [Int]) {
        var sums: [String: [Double]] = [:]
        var counts: [String: Int] = [:]
        for r in rows {
            for tag in Set(tags[r]) {
                var s = sums[tag] ?? [Double](repeating: 0, count: rewards.experts)
                for x in 0..<rewards.experts { s[x] += rewards[r, x] }
                sums[tag] = s
                counts[tag, default: 0] += 1
            }
        }
        names = sums.keys.sorted()
        means = names.map { name in
            let c = Double(counts[name] ?? 1)
            return (sums[name] ?? []).map { $0 / c }
        }
    }
}
