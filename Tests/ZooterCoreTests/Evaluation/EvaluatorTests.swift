import Foundation
import Synchronization
import Testing
@testable import ZooterCore

@Suite struct EvaluatorTests {
    /// A small, fast configuration for toy data.
    static func smallConfiguration(threads: Int = 2) -> EvaluationConfiguration {
        EvaluationConfiguration(
            folds: 3, seeds: [0, 1], tagSource: .source,
            grid: SelectionGrid(transforms: [.identity, .standardize], temperatures: [0.3, 1], betas: [1, 0.5],
                                heads: [.linear, .mlp], weightDecays: [0.01], neighbourCounts: [3, 9]),
            training: TrainingConfiguration(hiddenUnits: 8, batchSize: 8, maxEpochs: 30), bootstrapSamples: 200, threads: threads)
    }

    /// Separable data plus noise rows so that methods differ.
    static func toy() -> (RoutingDataset, Matrix) {
        TestSupport.separableDataset(perCluster: 25, experts: 3, dimension: 16)
    }

    @Test func separableToyIsRoutedAlmostPerfectly() throws {
        let (dataset, x) = Self.toy()
        let report = try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: Self.smallConfiguration())
        let zooter = try #require(report.method(.zooter))
        #expect(zooter.routingAccuracy >= 0.95)
        #expect((zooter.gapClosed ?? 0) >= 0.9)
        #expect(zooter.deltaCI95[0] > 0)
        #expect(zooter.meanTaskRank == 1 && zooter.shareOfSourcesRankedFirst == 1)
        let oracle = try #require(report.method(.oracle))
        #expect(isClose(oracle.meanReward, 1, absolute: 1e-12) && oracle.routingAccuracy == 1)
        let random = try #require(report.method(.random))
        #expect(isClose(random.meanReward, 0.4, absolute: 1e-12))
        // Every method but the fine-tuned router, which needs the encoder (`FineTuningInputs`).
        #expect(report.methods.map(\.method) == RoutingMethod.allCases.filter { $0 != .zooterFineTuned })
        #expect(isClose(zooter.expertUsage.reduce(0, +), 1, absolute: 1e-9))
    }

    @Test func reportIsBitIdenticalForTheSameSeedsAndAnyThreadCount() throws {
        let (dataset, x) = Self.toy()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let a = try encoder.encode(Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: Self.smallConfiguration(threads: 2)))
        let b = try encoder.encode(Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: Self.smallConfiguration(threads: 2)))
        #expect(a == b)
        // One worker thread gives the same report (the configuration records the thread count, so
        // compare with it normalised).
        var single = try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: Self.smallConfiguration(threads: 1))
        single.configuration.threads = 2
        #expect(try encoder.encode(single) == a)
    }

    @Test func selectionNeverSeesTestFoldRows() throws {
        let (dataset, x) = Self.toy()
        let configuration = Self.smallConfiguration()
        let events = Mutex<[SelectionEvent]>([])
        _ = try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: configuration,
                                   observer: { event in events.withLock { $0.append(event) } })
        let recorded = events.withLock { $0 }
        // 2 seeds × 3 folds × 3 inner folds (automatic scheme for small data).
        #expect(recorded.count == 2 * 3 * 3)
        for event in recorded {
            let test = Set(CrossValidation.folds(count: dataset.count, folds: 3, seed: event.seed)[event.fold])
            #expect(test.isDisjoint(with: event.trainingRows), "seed \(event.seed) fold \(event.fold)")
            #expect(test.isDisjoint(with: event.validationRows), "seed \(event.seed) fold \(event.fold)")
            #expect(Set(event.trainingRows).isDisjoint(with: event.validationRows))
        }
    }

    /// Poison the test fold's rewards (NaN, or wild values) and check every method's choices and
    /// every selection are unchanged: nothing in training or selection reads a test reward.
    @Test func poisonedTestRewardsChangeNothing() throws {
        let (base, x) = TestSupport.separableDataset(perCluster: 20, experts: 3, dimension: 16)
        // Noisy rewards so that selection has real choices to make.
        var g = SeededGenerator(seed: 99)
        var dataset = base
        for i in dataset.examples.indices {
            dataset.examples[i].rewards = dataset.examples[i].rewards?.map { $0 * 0.5 + g.unitDouble() * 0.5 }
        }
        let rewards = try #require(dataset.rewardMatrix())
        let folds = CrossValidation.folds(count: dataset.count, folds: 3, seed: 5)
        let testRows = folds[1]
        let trainRows = (folds[0] + folds[2]).sorted()
        func run(_ table: RewardTable) -> FoldRunner.Outcome {
            let tags = TagSource.source.assign(dataset: dataset, embeddings: x, trainingRows: trainRows, seed: 5)
            return FoldRunner(embeddings: x, rewards: table, tags: tags, experts: dataset.experts, trainRows: trainRows,
                              testRows: testRows, seed: 5, fold: 1, configuration: Self.smallConfiguration(),
                              observer: nil, costs: [1, 0.4, 0.05]).run()
        }
        func poisoned(_ value: (Int, Int) -> Double) -> RewardTable {
            var values = rewards.values
            for r in testRows { for e in 0..<rewards.experts { values[r * rewards.experts + e] = value(r, e) } }
            return RewardTable(rows: rewards.rows, experts: rewards.experts, values: values)
        }
        let clean = run(rewards)
        for table in [poisoned { _, _ in .nan }, poisoned { r, e in Double((r * 7 + e * 13) % 11) * 100 },
                      poisoned { _, e in e == 2 ? 1e6 : -1e6 }] {
            let outcome = run(table)
            #expect(outcome.choices == clean.choices)
            #expect(outcome.selections == clean.selections)
            #expect(outcome.costChoices == clean.costChoices)
        }
        #expect(Set(clean.choices.keys) == [.zooter, .zooterNoTags, .bestSingle, .knn, .perTag, .hardLabel, .ridge, .taskClassifier])
        #expect(Set(clean.costChoices.keys) == Set(CostSweep.Method.allCases))
        #expect(clean.costChoices[.zooter]?.count == CostSweep.lambdas.count * CostSweep.thresholds.count)
    }

    /// Rewards independent of the text: whatever small gain a routed threshold shows on the inner
    /// splits is noise, and the one-standard-error rule sends most jobs to the best single.
    @Test func withoutSignalTheRouterFallsBackToTheBestSingle() throws {
        var g = SeededGenerator(seed: 41)
        var (dataset, x) = TestSupport.separableDataset(perCluster: 40, experts: 3, dimension: 16)
        for i in dataset.examples.indices {
            dataset.examples[i].rewards = (0..<3).map { _ in g.unitDouble() < 0.5 ? 1 : 0 }
        }
        var configuration = Self.smallConfiguration()
        configuration.seeds = [0, 1, 2, 3]
        let report = try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: configuration)
        let zooter = try #require(report.method(.zooter))
        let fellBack = zooter.selections.filter { $0.key.hasSuffix("threshold=always-fallback") }.values.reduce(0, +)
        // 7 of the 12 (seed, fold) jobs fall back; without the rule, 1 does.
        #expect(fellBack >= 6, "\(zooter.selections)")
        #expect(abs(zooter.meanReward - (report.method(.bestSingle)?.meanReward ?? 0)) < 0.01)
    }

    @Test func rejectsUnusableInput() {
        let (dataset, x) = Self.toy()
        for penalties in [[Double](), [0], [-1], [.infinity]] {
            var configuration = Self.smallConfiguration()
            configuration.grid.ridgePenalties = penalties
            #expect(throws: CoreError.self, "ridge penalties \(penalties)") {
                try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: configuration)
            }
        }
        #expect {
            try Evaluator.evaluate(dataset: dataset, embeddings: x.selectingRows(Array(0..<74)),
                                   configuration: Self.smallConfiguration())
        } throws: { error in
            (error as? CoreError)?.evaluationProblem == .embeddingCountMismatch(expected: 75, got: 74)
        }
        var missing = dataset
        missing.examples[3].rewards = nil
        missing.examples[3].responses = ["expert-0": "r"]
        #expect {
            try Evaluator.evaluate(dataset: missing, embeddings: x, configuration: Self.smallConfiguration())
        } throws: { error in
            (error as? CoreError)?.evaluationProblem == .missingRewards(id: dataset.examples[3].id)
        }
    }
}

extension JSONEncoder {
    static var sortedForTest: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
