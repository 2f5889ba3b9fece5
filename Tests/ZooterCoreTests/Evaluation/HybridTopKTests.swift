import Foundation
import Testing
@testable import ZooterCore

/// The offline hybrid top-k: the reward scorer, fitted per training fold, picks among ZOOTER's
/// top k. Data where the query says nothing about the best expert but each response shows it.
@Suite struct HybridTopKTests {
    /// Rewards random per (query, expert); a rewarded response is a careful list, an unrewarded
    /// one a short refusal. Query embeddings are the separable toy's, so routing has something to
    /// learn from too (cluster c favours expert c half the time).
    static func data(perCluster: Int = 20, experts: Int = 3) -> (RoutingDataset, Matrix, Matrix) {
        var (dataset, x) = TestSupport.separableDataset(perCluster: perCluster, experts: experts, dimension: 16)
        var g = SeededGenerator(seed: 17)
        let good = "Here is how:\n1. First, measure carefully.\n2. Then mix the parts.\n3. Finally, check the result."
        let bad = "I'm sorry, I can't"
        var responseEmbeddings = Matrix(rows: dataset.count * experts, columns: 4)
        for i in dataset.examples.indices {
            let favoured = i % experts
            let rewards = (0..<experts).map { e in g.unitDouble() < (e == favoured ? 0.7 : 0.3) ? 1.0 : 0.0 }
            dataset.examples[i].rewards = rewards
            dataset.examples[i].responses = Dictionary(uniqueKeysWithValues: dataset.experts.enumerated().map { e, name in
                (name, rewards[e] > 0 ? good + " (\(i))" : bad + " \(i).")
            })
            for e in 0..<experts {
                for j in 0..<4 { responseEmbeddings[i * experts + e, j] = Float(g.normal()) / 2 }
            }
        }
        return (dataset, x, responseEmbeddings)
    }

    @Test func theScorerPicksTheBetterResponseAmongTheTopK() throws {
        let (dataset, x, responses) = Self.data()
        let report = try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: EvaluatorTests.smallConfiguration(),
                                            responseEmbeddings: responses)
        let hybrid = try #require(report.hybridTopK)
        let zooter = try #require(report.method(.zooter))
        #expect(hybrid.points.map(\.k) == [1, 2, 3])
        // k = 1 is ZOOTER itself, choice for choice.
        #expect(isClose(hybrid.points[0].meanReward, zooter.meanReward, absolute: 1e-12))
        #expect(hybrid.points[0].deltaVsZooter == 0)
        // The responses show the judge's verdict, so the scorer finds the best of k.
        #expect(hybrid.scorerAgreement > 0.95 && hybrid.heldOutPairs > 0)
        for p in hybrid.points { #expect(isClose(p.meanReward, p.bestOfKMeanReward, absolute: 0.02), "k=\(p.k)") }
        #expect(zip(hybrid.points, hybrid.points.dropFirst()).allSatisfy { $0.bestOfKMeanReward <= $1.bestOfKMeanReward })
        let all = hybrid.points[2]
        #expect(isClose(all.bestOfKMeanReward, try #require(report.method(.oracle)).meanReward, absolute: 1e-12))
        #expect(all.deltaVsZooterCI95[0] > 0.1)
        #expect(report.markdownSummary().contains("hybrid top-k"))
    }

    @Test func testRewardsNeverReachTheFoldScorer() throws {
        let (dataset, x, responses) = Self.data()
        let rewards = try #require(dataset.rewardMatrix())
        let features = try HybridTopKInputs.features(dataset: dataset, responseEmbeddings: responses)
        let folds = CrossValidation.folds(count: dataset.count, folds: 3, seed: 2)
        let (testRows, trainRows) = (folds[0], (folds[1] + folds[2]).sorted())
        func run(_ poison: Double?) -> [HybridCandidates] {
            var values = rewards.values
            if let poison { for r in testRows { for e in 0..<3 { values[r * 3 + e] = poison * Double(e - 1) } } }
            let table = RewardTable(rows: rewards.rows, experts: 3, values: values)
            let tags = TagSource.source.assign(dataset: dataset, embeddings: x, trainingRows: trainRows, seed: 2)
            let outcome = FoldRunner(embeddings: x, rewards: table, tags: tags, experts: dataset.experts, trainRows: trainRows,
                                     testRows: testRows, seed: 2, fold: 0, configuration: EvaluatorTests.smallConfiguration(),
                                     observer: nil, responseFeatures: features).run()
            return outcome.hybrid ?? []
        }
        let clean = run(nil)
        #expect(clean.count == testRows.count)
        for poison in [Double.nan, 1e6] {
            let poisoned = run(poison)
            #expect(poisoned.map(\.order) == clean.map(\.order))
            #expect(poisoned.map(\.scores) == clean.map(\.scores))
        }
    }

    @Test func refusesDatasetsWithoutEveryResponse() throws {
        var (dataset, x, responses) = Self.data()
        dataset.examples[3].responses?.removeValue(forKey: dataset.experts[1])
        #expect(HybridTopKInputs.responses(of: dataset) == nil)
        #expect(throws: CoreError.self) {
            try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: EvaluatorTests.smallConfiguration(),
                                   responseEmbeddings: responses)
        }
    }
}
