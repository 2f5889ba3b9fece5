/// Scores the cost sweep's out-of-fold choices on every query's true reward and realised cost.
struct CostAnalysisBuilder {
    let dataset: RoutingDataset
    let rewards: RewardTable

    /// - Parameter choices: method → point → seed → row → chosen expert.
    func build(choices: [CostSweep.Method: [[[Int]]]]) -> CostAnalysis {
        let prices = ExpertCosts.of(dataset)
        let rowCosts = dataset.hasAllCosts
        let unit = rowCosts || prices.usdPerQuery != nil ? "USD per query" : "cost relative to the most expensive expert"
        let basis = rowCosts
            ? "decisions: mean realised cost of each expert on the training folds; reported: each query's realised cost"
            : "decisions and reported costs: \(prices.basis.explanation)"
        func cost(_ row: Int, _ expert: Int) -> Double {
            if rowCosts, let costs = dataset.examples[row].costs { return costs[expert] }
            return prices.usdPerQuery?[expert] ?? prices.relative[expert]
        }
        let n = rewards.rows
        func point(_ label: String, _ chosen: [[Int]]) -> CostPoint {
            var reward = 0.0, spent = 0.0
            for seedChoices in chosen {
                for q in 0..<n {
                    reward += rewards[q, seedChoices[q]]
                    spent += cost(q, seedChoices[q])
                }
            }
            let count = Double(max(chosen.count * n, 1))
            return CostPoint(label: label, meanCost: spent / count, meanReward: reward / count)
        }

        let singles = dataset.experts.enumerated().map { e, name in point(name, [[Int](repeating: e, count: n)]) }
        let cheapest = singles.min { $0.meanCost != $1.meanCost ? $0.meanCost < $1.meanCost : $0.meanReward > $1.meanReward } ?? singles[0]
        let best = singles.max { $0.meanReward != $1.meanReward ? $0.meanReward < $1.meanReward : $0.meanCost > $1.meanCost } ?? singles[0]
        let mostExpensive = singles.map(\.meanCost).max() ?? 0

        var curves: [CostCurve] = []
        for method in CostSweep.Method.allCases {
            guard let points = choices[method] else { continue }
            let swept = points.enumerated().map { index, chosen in point(CostSweep.label(method, point: index), chosen) }
            curves.append(CostCurve(method: method.rawValue, points: swept, cheapest: cheapest, bestSingle: best,
                                    mostExpensiveCost: mostExpensive))
        }
        // The fixed policies as one-point curves, read off the same way.
        for (name, single) in [("alwaysCheapest", cheapest), ("bestSingle", best)] {
            curves.append(CostCurve(method: name, points: [single], cheapest: cheapest, bestSingle: best,
                                    mostExpensiveCost: mostExpensive))
        }
        return CostAnalysis(basis: basis, unit: unit, singles: singles, cheapest: cheapest, bestSingle: best, curves: curves)
    }
}
