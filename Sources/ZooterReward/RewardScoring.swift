public import ZooterCore

/// What the reward service needs of a scorer: a name, a version, and batched scoring.
/// The built-in one is `EmbeddingRewardScorer`; others (a remote judge, a bigger model) plug in here.
public protocol RewardScoring: Sendable {
    var name: String { get }
    var version: String { get }
    /// Rewards for (query, response) pairs, in order. Runs on the compute pool, never on a loop.
    func score(_ pairs: [(query: String, response: String)]) throws -> [Double]
}

/// The built-in scorer: encoder embeddings of query and response → `RewardModel`.
public struct EmbeddingRewardScorer: RewardScoring {
    public let encoder: TextEncoder
    public let model: RewardModel
    public var name: String { "zooter-bt-mlp" }
    public var version: String { String(model.version.prefix(16)) }

    public init(encoder: TextEncoder, model: RewardModel) {
        self.encoder = encoder
        self.model = model
    }

    public func score(_ pairs: [(query: String, response: String)]) throws -> [Double] {
        // One encoder pass over every query and response of the batch.
        let embedded = try encoder.embed(pairs.map(\.query) + pairs.map(\.response))
        let n = pairs.count
        let queries = Matrix(rows: n, columns: embedded.columns, values: Array(embedded.values[0..<(n * embedded.columns)]))
        let responses = Matrix(rows: n, columns: embedded.columns, values: Array(embedded.values[(n * embedded.columns)...]))
        return model.score(features: RewardModel.features(queries: queries, responses: responses))
    }
}
