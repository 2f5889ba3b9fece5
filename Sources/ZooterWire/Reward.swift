// Messages of reward.proto (service zooter.v1.RewardScorer). Ranges and errors: see the proto.

/// `zooter.v1.ScorePair`: one (query, response) pair to score.
public struct ScorePair: Sendable, Hashable {
    /// Caller's id, echoed in `ScoredPair.id`.
    public var id: String
    public var query: String
    public var response: String

    public init(id: String = "", query: String = "", response: String = "") {
        self.id = id
        self.query = query
        self.response = response
    }
}

/// `zooter.v1.ScoreRequest`: a batch of pairs (1…max_batch).
public struct ScoreRequest: Sendable, Hashable {
    public var pairs: [ScorePair]

    public init(pairs: [ScorePair] = []) {
        self.pairs = pairs
    }
}

/// `zooter.v1.ScoredPair`: the reward of one pair.
public struct ScoredPair: Sendable, Hashable {
    public var id: String
    /// Higher is better; scale depends on the scorer; finite.
    public var reward: Double
    /// Served from the replica's cache.
    public var cached: Bool

    public init(id: String = "", reward: Double = 0, cached: Bool = false) {
        self.id = id
        self.reward = reward
        self.cached = cached
    }
}

/// `zooter.v1.ScoreResponse`: one result per pair, in request order.
public struct ScoreResponse: Sendable, Hashable {
    public var results: [ScoredPair]
    public var scorer: String
    public var scorerVersion: String
    public var cacheHits: UInt32

    public init(results: [ScoredPair] = [], scorer: String = "", scorerVersion: String = "", cacheHits: UInt32 = 0) {
        self.results = results
        self.scorer = scorer
        self.scorerVersion = scorerVersion
        self.cacheHits = cacheHits
    }
}

/// `zooter.v1.RewardInfoRequest` (no fields).
public struct RewardInfoRequest: Sendable, Hashable {
    public init() {}
}

/// `zooter.v1.RewardInfoResponse`: describes one reward replica.
public struct RewardInfoResponse: Sendable, Hashable {
    public var scorer: String
    public var version: String
    /// nil for scorers without an encoder.
    public var encoder: EncoderInfo?
    /// Largest accepted `ScoreRequest.pairs` count.
    public var maxBatch: UInt32
    public var replicaID: String

    public init(
        scorer: String = "", version: String = "", encoder: EncoderInfo? = nil, maxBatch: UInt32 = 0,
        replicaID: String = ""
    ) {
        self.scorer = scorer
        self.version = version
        self.encoder = encoder
        self.maxBatch = maxBatch
        self.replicaID = replicaID
    }
}
