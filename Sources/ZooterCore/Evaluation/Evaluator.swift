import Dispatch
import Synchronization

/// The evaluation entry point: k-fold cross-validation repeated over seeds, every method on the
/// same folds, hyper-parameters chosen on inner splits of each training set only.
public enum Evaluator {
    /// Runs the evaluation.
    /// - Parameters:
    ///   - embeddings: `[queries][d]` query embeddings in dataset order (L2-normalised rows).
    ///   - encoderIdentity: recorded in the report (which encoder produced the embeddings).
    ///   - observer: called with the rows each selection step reads (for leakage tests); may be
    ///     called from worker threads.
    ///   - progress: called with (finished jobs, total jobs) after each (seed, fold); worker threads.
    ///   - costSweep: also sweep cost weights and thresholds and report reward against cost
    ///     (`EvaluationReport.costs`).
    ///   - fineTuning: given, ZOOTER with the encoder's top layers fine-tuned is evaluated on the
    ///     same folds (`RoutingMethod.zooterFineTuned`).
    ///   - responseEmbeddings: `[queries × experts][d]` embeddings of every expert's response
    ///     (row `q * experts + e`); given, the hybrid top-k is measured (`EvaluationReport.hybridTopK`).
    public static func evaluate(dataset: RoutingDataset, embeddings: Matrix, configuration: EvaluationConfiguration,
                                datasetName: String = "", encoderIdentity: String = "", costSweep: Bool = false,
                                responseEmbeddings: Matrix? = nil, fineTuning: FineTuningInputs? = nil,
                                observer: (@Sendable (SelectionEvent) -> Void)? = nil,
                                progress: (@Sendable (Int, Int) -> Void)? = nil) throws(CoreError) -> EvaluationReport {
        let rewards = try validate(dataset: dataset, embeddings: embeddings, configuration: configuration)
        if costSweep && ExpertCosts.of(dataset).basis == .unknown {
            throw .evaluation(.invalidConfiguration(
                "the cost sweep needs costs: \"costs\" on every routing.jsonl line, cost_usd_per_query or params_b in experts.json"))
        }
        let n = dataset.count, k = configuration.folds
        let seeds = configuration.seeds
        let responseFeatures = try responseEmbeddings.map { embeddings throws(CoreError) in
            try HybridTopKInputs.features(dataset: dataset, responseEmbeddings: embeddings)
        }
        let foldsPerSeed = seeds.map { CrossValidation.folds(count: n, folds: k, seed: $0) }
        let jobs = seeds.count * k
        let slots = Mutex<[FoldRunner.Outcome?]>([FoldRunner.Outcome?](repeating: nil, count: jobs))
        let finished = Mutex(0)
        let workers = max(1, min(configuration.threads, jobs))

        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            for job in stride(from: worker, to: jobs, by: workers) {
                let seedIndex = job / k, fold = job % k
                let testRows = foldsPerSeed[seedIndex][fold]
                let trainRows = foldsPerSeed[seedIndex].enumerated().filter { $0.offset != fold }
                    .flatMap(\.element).sorted()
                let outcome = runFold(dataset: dataset, embeddings: embeddings, rewards: rewards,
                                      trainRows: trainRows, testRows: testRows, seed: seeds[seedIndex], fold: fold,
                                      configuration: configuration, costSweep: costSweep,
                                      responseFeatures: responseFeatures, fineTuning: fineTuning, observer: observer)
                slots.withLock { $0[job] = outcome }
                let done = finished.withLock { count -> Int in
                    count += 1
                    return count
                }
                progress?(done, jobs)
            }
        }

        let outcomes = slots.withLock { $0 }
        var choices = [RoutingMethod: [[Int]]]()  // method → seed → row → expert
        var selections = [RoutingMethod: [String: Int]]()
        var costChoices = [CostSweep.Method: [[[Int]]]]()  // method → point → seed → row → expert
        var hybrid = [[HybridCandidates?]](repeating: [HybridCandidates?](repeating: nil, count: n), count: seeds.count)
        for (seedIndex, folds) in foldsPerSeed.enumerated() {
            for (fold, testRows) in folds.enumerated() {
                guard let outcome = outcomes[seedIndex * k + fold] else { continue }
                for (method, points) in outcome.costChoices {
                    if costChoices[method] == nil {
                        costChoices[method] = [[[Int]]](repeating: [[Int]](repeating: [Int](repeating: 0, count: n), count: seeds.count),
                                                        count: points.count)
                    }
                    for (point, chosen) in points.enumerated() {
                        for (i, row) in testRows.enumerated() { costChoices[method]?[point][seedIndex][row] = chosen[i] }
                    }
                }
                for (method, chosen) in outcome.choices {
                    if choices[method] == nil {
                        choices[method] = [[Int]](repeating: [Int](repeating: 0, count: n), count: seeds.count)
                    }
                    for (i, row) in testRows.enumerated() { choices[method]?[seedIndex][row] = chosen[i] }
                }
                for (i, row) in testRows.enumerated() { hybrid[seedIndex][row] = outcome.hybrid?[i] }
                for (method, summary) in outcome.selections { selections[method, default: [:]][summary, default: 0] += 1 }
            }
        }
        let oracle = (0..<n).map { argmax(rewards.row($0)) }
        choices[.oracle] = [[Int]](repeating: oracle, count: seeds.count)

        var report = ReportBuilder(dataset: dataset, rewards: rewards, configuration: configuration)
            .build(choices: choices, selections: selections, datasetName: datasetName, encoderIdentity: encoderIdentity)
        if costSweep {
            report.costs = CostAnalysisBuilder(dataset: dataset, rewards: rewards).build(choices: costChoices)
        }
        if let responseFeatures {
            let complete = hybrid.map { $0.compactMap { $0 } }
            if complete.allSatisfy({ $0.count == n }) {
                report.hybridTopK = ReportBuilder(dataset: dataset, rewards: rewards, configuration: configuration)
                    .hybridTopK(complete, logLengths: (0..<responseFeatures.rows).map { Double(responseFeatures[$0, 0]) })
            }
        }
        return report
    }

    /// One outer fold: masks the test rows' rewards (NaN) before any method sees them.
    static func runFold(dataset: RoutingDataset, embeddings: Matrix, rewards: RewardTable, trainRows: [Int],
                        testRows: [Int], seed: UInt64, fold: Int, configuration: EvaluationConfiguration,
                        costSweep: Bool = false, responseFeatures: Matrix? = nil, fineTuning: FineTuningInputs? = nil,
                        observer: (@Sendable (SelectionEvent) -> Void)?) -> FoldRunner.Outcome {
        var masked = rewards.values
        for row in testRows {
            for e in 0..<rewards.experts { masked[row * rewards.experts + e] = .nan }
        }
        let visible = RewardTable(rows: rewards.rows, experts: rewards.experts, values: masked)
        let tags = configuration.tagSource.assign(dataset: dataset, embeddings: embeddings, trainingRows: trainRows,
                                                  seed: seed &+ UInt64(fold))
        // Decision costs from the training rows only (their realised costs), else the prices.
        let costs = costSweep ? (ExpertCosts.realised(dataset, rows: trainRows) ?? ExpertCosts.of(dataset)).relative : nil
        return FoldRunner(embeddings: embeddings, rewards: visible, tags: tags, experts: dataset.experts,
                          trainRows: trainRows, testRows: testRows, seed: seed, fold: fold,
                          configuration: configuration, observer: observer, costs: costs,
                          responseFeatures: responseFeatures, fineTuning: fineTuning).run()
    }

    private static func validate(dataset: RoutingDataset, embeddings: Matrix,
                                 configuration c: EvaluationConfiguration) throws(CoreError) -> RewardTable {
        if let missing = dataset.examples.first(where: { $0.rewards == nil }) {
            throw .evaluation(.missingRewards(id: missing.id))
        }
        guard dataset.experts.count >= 2 else { throw .evaluation(.tooFewExperts(dataset.experts.count)) }
        guard embeddings.rows == dataset.count else {
            throw .evaluation(.embeddingCountMismatch(expected: dataset.count, got: embeddings.rows))
        }
        guard c.folds >= 2, dataset.count >= 2 * c.folds else { throw .evaluation(.tooFewQueries(queries: dataset.count, folds: c.folds)) }
        guard !c.seeds.isEmpty else { throw .evaluation(.invalidConfiguration("no seeds")) }
        guard !c.grid.transforms.isEmpty, !c.grid.temperatures.isEmpty, !c.grid.heads.isEmpty,
              !c.grid.weightDecays.isEmpty, !c.grid.neighbourCounts.isEmpty, !c.grid.ridgePenalties.isEmpty else {
            throw .evaluation(.invalidConfiguration("every grid list needs at least one value"))
        }
        guard c.grid.temperatures.allSatisfy({ $0 > 0 }), c.grid.betas.allSatisfy({ (0...1).contains($0) }),
              c.grid.ridgePenalties.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw .evaluation(.invalidConfiguration("temperatures and ridge penalties must be > 0 and betas in [0, 1]"))
        }
        guard let rewards = dataset.rewardMatrix() else { throw .evaluation(.missingRewards(id: "?")) }
        return rewards
    }
}
