public import ZooterCore

/// What the reward service needs of a scorer: a name, a version, and batched scoring.
/// The built-in one is `EmbeddingRewardScorer`; others (a remote judge, a bigger model) plug in here.
public protocol RewardScoring: Sendable {
    var name: String { get }
    var version: String { get }
    /// Rewards for (query, response) pairs, in order. Runs on the compute pool, never on a loop.
    func score(_ pairs: [(query: String, response: String)]) throws -> [Double]
}

/// The built-in scorer: the response's statistics and encoder embedding → `RewardModel`
/// (the query enters only through the length ratio, so only responses are encoded).
public struct EmbeddingRewardScorer: RewardScoring {
    public let encoder: TextEncoder
    public let model: RewardModel
    public var name: String { "zooter-bt-linear" }
    public var version: String { String(model.version.prefix(16)) }

    public init(encoder: TextEncoder, model: RewardModel) {
        self.encoder = encoder
        self.model = model
    }

    public func score(_ pairs: [(query: String, response: String)]) throws -> [Double] {
        model.score(pairs, responseEmbeddings: try encoder.embed(pairs.map(\.response)))
    }
}
