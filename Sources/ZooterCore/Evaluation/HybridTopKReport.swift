/// The gateway's hybrid top-k, measured offline on a dataset that has every expert's response:
/// for each k, the judge's reward of the response the built-in reward scorer ranks best among
/// ZOOTER's top k (the chosen expert first, then by probability, as the gateway orders them).
/// The scorer of each outer fold is fitted on that fold's training queries only.
public struct HybridTopKReport: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        /// Experts called per query.
        public var k: Int
        /// Mean judge reward of the scorer's pick, over out-of-fold queries, averaged over seeds.
        public var meanReward: Double
        /// meanReward − ZOOTER's (k = 1) and its paired bootstrap 95 % interval.
        public var deltaVsZooter: Double
        public var deltaVsZooterCI95: [Double]
        /// With a perfect scorer among the same k responses: the ceiling of this k.
        public var bestOfKMeanReward: Double
    }

    public var points: [Point]
    /// Held-out pairwise agreement of the fold scorers with the judge, pooled over folds and seeds…
    public var scorerAgreement: Double
    /// …and of "the longer response wins" on the same pairs.
    public var longerWinsAgreement: Double
    public var heldOutPairs: Int
}

/// What one outer fold hands back for the hybrid top-k: per test row, the candidate order and
/// the fold scorer's reward for every expert's response (indexed by expert).
struct HybridCandidates: Sendable {
    var order: [Int]
    var scores: [Double]
}

/// The reward scorer's features for every response of a dataset, as `RewardModel` scores them.
public enum HybridTopKInputs {
    /// `[queries × experts][statistics + d]`: each response's `ResponseStatistics` then its embedding.
    static func features(dataset: RoutingDataset, responseEmbeddings: Matrix) throws(CoreError) -> Matrix {
        let e = dataset.experts.count
        guard responseEmbeddings.rows == dataset.count * e else {
            throw .evaluation(.invalidConfiguration("the hybrid top-k needs \(dataset.count * e) response embeddings (one per query and expert), got \(responseEmbeddings.rows)"))
        }
        let k = ResponseStatistics.names.count
        var statistics = Matrix(rows: responseEmbeddings.rows, columns: k)
        for (q, example) in dataset.examples.enumerated() {
            for (x, expert) in dataset.experts.enumerated() {
                guard let response = example.responses?[expert] else {
                    throw .evaluation(.invalidConfiguration("the hybrid top-k needs every expert's response: query \"\(example.id)\" has none from \(expert)"))
                }
                let values = ResponseStatistics.compute(query: example.query, response: response)
                for j in 0..<k { statistics[q * e + x, j] = values[j] }
            }
        }
        return RewardModelTrainer.concatenate(statistics, responseEmbeddings)
    }

    /// Every response in dataset order (row `q * experts + e`), the texts to embed.
    public static func responses(of dataset: RoutingDataset) -> [String]? {
        var out: [String] = []
        for example in dataset.examples {
            for expert in dataset.experts {
                guard let response = example.responses?[expert] else { return nil }
                out.append(response)
            }
        }
        return out
    }
}
