import CoreMetrics
public import ZooterRPC
public import ZooterServiceKit
public import ZooterWire

/// `zooter.v1.RewardScorer`: batched (query, response) → reward. Stateless apart from a content
/// cache, so it scales by adding replicas; pairs arriving together are scored in one batch.
public final class RewardService: Sendable {
    public static let serviceName = "zooter.v1.RewardScorer"
    public static let maxPairs = 256

    let scorerName: String
    let scorerVersion: String
    /// Scores pairs the cache does not hold: the compute batcher of the built-in scorer, or a call
    /// to a remote reward model.
    let compute: @Sendable ([ScorePair]) async throws -> [Double]
    let cache: ScoreCache
    let replicaID: String
    private let cacheHits = Counter(label: MetricCatalog.rewardCacheLookups.name, dimensions: [("result", "hit")])
    private let cacheMisses = Counter(label: MetricCatalog.rewardCacheLookups.name, dimensions: [("result", "miss")])

    public init(scorer: any RewardScoring, batcher: ComputeBatcher<ScorePair, Double>, cacheCapacity: Int, replicaID: String) {
        self.scorerName = scorer.name
        self.scorerVersion = scorer.version
        self.compute = { pairs in try await batcher.submit(pairs) }
        self.cache = ScoreCache(capacity: cacheCapacity)
        self.replicaID = replicaID
    }

    /// A service whose scores come from a remote reward model (`HTTPRewardScorer`).
    public init(remote: any RemoteRewardScoring, cacheCapacity: Int, replicaID: String) {
        self.scorerName = remote.name
        self.scorerVersion = remote.version
        self.compute = { pairs in try await remote.score(pairs) }
        self.cache = ScoreCache(capacity: cacheCapacity)
        self.replicaID = replicaID
    }

    public var methods: [RPCMethod] {
        [
            .unary("/zooter.v1.RewardScorer/Score") { (request: ScoreRequest, _) in try await self.score(request) },
            .unary("/zooter.v1.RewardScorer/Info") { (_: RewardInfoRequest, _) in
                RewardInfoResponse(scorer: self.scorerName, version: self.scorerVersion,
                                   maxBatch: UInt32(Self.maxPairs), replicaID: self.replicaID)
            },
        ]
    }

    func score(_ request: ScoreRequest) async throws -> ScoreResponse {
        guard request.pairs.count <= Self.maxPairs else {
            throw RPCError(code: .invalidArgument, message: "Score carries \(request.pairs.count) pairs; the limit is \(Self.maxPairs): split the batch")
        }
        for (index, pair) in request.pairs.enumerated() {
            try TextLimit.check(pair.query, field: "pairs[\(index)].query")
            try TextLimit.check(pair.response, field: "pairs[\(index)].response")
            if pair.query.allSatisfy(\.isWhitespace) {
                throw RPCError(code: .invalidArgument, message: "pairs[\(index)].query is empty")
            }
            if pair.response.isEmpty {
                throw RPCError(code: .invalidArgument, message: "pairs[\(index)].response is empty")
            }
        }
        let keys = request.pairs.map { ScoreCache.key(version: scorerName + "@" + scorerVersion, query: $0.query, response: $0.response) }
        var rewards = keys.map { cache.lookup($0) }
        let missing = rewards.indices.filter { rewards[$0] == nil }
        cacheHits.increment(by: rewards.count - missing.count)
        cacheMisses.increment(by: missing.count)
        if !missing.isEmpty {
            let computed = try await compute(missing.map { request.pairs[$0] })
            for (index, reward) in zip(missing, computed) { rewards[index] = reward }
            cache.store(zip(missing, computed).map { (keys[$0.0], $0.1) })
        }
        let results = zip(request.pairs, rewards).enumerated().map { index, item in
            ScoredPair(id: item.0.id, reward: item.1 ?? .nan, cached: !missing.contains(index))
        }
        return ScoreResponse(results: results, scorer: scorerName, scorerVersion: scorerVersion,
                             cacheHits: UInt32(request.pairs.count - missing.count))
    }
}
