/// The hybrid top-k inside one outer fold: fit the reward scorer on the training queries' judged
/// responses, rank the test queries' candidates by ZOOTER, score every test response.
extension FoldRunner {
    /// - Parameters:
    ///   - responseFeatures: `[queries × experts][statistics + embedding]`, row `q * experts + e`.
    ///   - zooterProbabilities: ZOOTER's probabilities for `testRows`; `zooterChoices` its picks.
    func hybridCandidates(responseFeatures: Matrix, zooterProbabilities: Matrix, zooterChoices: [Int]) -> [HybridCandidates] {
        let e = experts.count
        let pairs = RewardModelTrainer.preferencePairs(queries: trainRows, experts: e) { rewards[$0, $1] }
        let scorer = RewardModelTrainer.Configuration()
        let penalties = RewardModelTrainer.penalties(statistics: ResponseStatistics.names.count,
                                                     embedding: responseFeatures.columns - ResponseStatistics.names.count,
                                                     configuration: scorer)
        let weights = pairs.isEmpty ? [Float](repeating: 0, count: responseFeatures.columns)
            : RewardModelTrainer.fit(features: responseFeatures, pairs: pairs, penalties: penalties, configuration: scorer)
        return testRows.enumerated().map { i, row in
            let probabilities = zooterProbabilities.row(i)
            // The gateway's order: the router's pick first (it may be the confident fallback), then by probability.
            let rest = (0..<e).filter { $0 != zooterChoices[i] }
                .sorted { probabilities[probabilities.startIndex + $0] != probabilities[probabilities.startIndex + $1]
                    ? probabilities[probabilities.startIndex + $0] > probabilities[probabilities.startIndex + $1] : $0 < $1 }
            let scores = (0..<e).map { x in
                Double(HeadKernels.dot(Array(responseFeatures.row(row * e + x)), weights))
            }
            return HybridCandidates(order: [zooterChoices[i]] + rest, scores: scores)
        }
    }
}
