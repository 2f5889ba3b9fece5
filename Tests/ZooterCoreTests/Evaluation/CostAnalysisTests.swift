import Foundation
import Testing
@testable import ZooterCore

@Suite struct CostAnalysisTests {
    static let cheapest = CostPoint(label: "cheap", meanCost: 1, meanReward: 0.5)
    static let best = CostPoint(label: "best", meanCost: 100, meanReward: 0.9)

    /// The frontier drops dominated points; the figures are read off it.
    @Test func frontierAndFiguresOfAHandMadeCurve() {
        let points = [CostPoint(label: "a", meanCost: 1, meanReward: 0.5), CostPoint(label: "b", meanCost: 10, meanReward: 0.8),
                      CostPoint(label: "dominated", meanCost: 20, meanReward: 0.7), CostPoint(label: "c", meanCost: 50, meanReward: 0.95)]
        let curve = CostCurve(method: "m", points: points, cheapest: Self.cheapest, bestSingle: Self.best, mostExpensiveCost: 100)
        #expect(curve.frontier.map(\.label) == ["a", "b", "c"])
        #expect(curve.costToMatchBestSingle == 50)
        #expect(curve.bestRewardWithinCheapestCost == 0.5)
        // 0.5 on [1, 10), 0.8 on [10, 50), 0.95 on [50, 100], in log cost over log 100.
        let expected = (0.5 * log(10.0) + 0.8 * log(5.0) + 0.95 * log(2.0)) / log(100.0)
        #expect(isClose(curve.logCostAUC, expected, absolute: 1e-12))
    }

    /// A router with nothing as cheap as the cheapest expert is credited the cheapest expert's
    /// reward below its first point, and one that never reaches the best single says so.
    @Test func floorAndNeverMatching() {
        let curve = CostCurve(method: "m", points: [CostPoint(label: "x", meanCost: 10, meanReward: 0.6)],
                              cheapest: Self.cheapest, bestSingle: Self.best, mostExpensiveCost: 100)
        #expect(curve.costToMatchBestSingle == nil)
        #expect(curve.bestRewardWithinCheapestCost == nil)
        #expect(isClose(curve.logCostAUC, (0.5 + 0.6) / 2, absolute: 1e-12))
    }

    /// Toy data where expert 0 is right everywhere and costs 10× expert 1 (the cheapest), which is
    /// right on two clusters of three: the routers find the cheap expert where it is enough, so their
    /// frontiers reach the best single model's reward at a clearly lower cost, and the sweep
    /// scores each query's own realised cost.
    @Test func sweepFindsTheCheapExpertWhereItIsEnough() throws {
        var (dataset, x) = TestSupport.separableDataset(perCluster: 24, experts: 3, dimension: 16)
        for i in dataset.examples.indices {
            let cluster = Int(dataset.examples[i].source?.split(separator: "-").last ?? "0") ?? 0
            dataset.examples[i].rewards = [1, cluster == 2 ? 0 : 1, 0]
            dataset.examples[i].costs = [0.01, 0.001, 0.002]
        }
        let report = try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: EvaluatorTests.smallConfiguration(),
                                            costSweep: true)
        let costs = try #require(report.costs)
        #expect(costs.unit == "USD per query")
        #expect(costs.cheapest.label == "expert-1" && costs.bestSingle.label == "expert-0")
        for method in ["zooter", "knn", "twoModel"] {
            let curve = try #require(costs.curves.first { $0.method == method })
            let match = try #require(curve.costToMatchBestSingle, "\(method) never matched the best single")
            // Ideal: a third of the queries at 0.01, the rest at 0.001 → 0.004.
            #expect(match < 0.006, "\(method): \(match)")
        }
        let single = try #require(costs.curves.first { $0.method == "bestSingle" })
        #expect(isClose(single.costToMatchBestSingle ?? 0, 0.01, absolute: 1e-12))
        #expect(report.markdownSummary().contains("| zooter |"))
        #expect(report.html().contains(#"data-chart="costs""#))
    }

    @Test func sweepWithoutAnyCostIsRefused() {
        let (dataset, x) = TestSupport.separableDataset(perCluster: 10, experts: 3, dimension: 16)
        #expect {
            try Evaluator.evaluate(dataset: dataset, embeddings: x, configuration: EvaluatorTests.smallConfiguration(), costSweep: true)
        } throws: { error in
            if case .evaluation(.invalidConfiguration(let message))? = error as? CoreError { return message.contains("needs costs") }
            return false
        }
    }

    @Test func expertCostsPreferPricesThenRealisedThenSizes() {
        var (dataset, _) = TestSupport.separableDataset(perCluster: 2, experts: 3, dimension: 4)
        #expect(ExpertCosts.of(dataset).basis == .unknown)
        dataset.expertFacts = [ExpertFacts(name: "expert-0", parametersBillions: 70), ExpertFacts(name: "expert-1", parametersBillions: 7),
                               ExpertFacts(name: "expert-2")]
        // Unknown size counts as the largest, never as free.
        #expect(ExpertCosts.of(dataset) == ExpertCosts(usdPerQuery: nil, relative: [1, 0.1, 1], basis: .sizeProxy))
        for i in dataset.examples.indices { dataset.examples[i].costs = [i == 0 ? 0.3 : 0.1, 0.02, 0.01] }
        let realised = ExpertCosts.of(dataset)
        #expect(realised.basis == .realised)
        #expect(isClose(realised.usdPerQuery?[0] ?? 0, (0.3 + 0.1 * 5) / 6, absolute: 1e-12))
        dataset.expertFacts = (0..<3).map { ExpertFacts(name: "expert-\($0)", costUSDPerQuery: [0.04, 0.02, 0][$0]) }
        #expect(ExpertCosts.of(dataset) == ExpertCosts(usdPerQuery: [0.04, 0.02, 0], relative: [1, 0.5, 0], basis: .price))
    }
}
