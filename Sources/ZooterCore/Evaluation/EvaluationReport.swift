/// The result of `Evaluator.evaluate`, encodable as JSON (schema: docs/evaluation-report.md).
/// Arrays indexed by expert follow `dataset.experts`; arrays indexed by source follow
/// `dataset.sources`.
public struct EvaluationReport: Codable, Sendable, Equatable {
    public var schemaVersion: Int
    public var dataset: DatasetSummary
    /// Identity of the encoder that produced the embeddings.
    public var encoder: String
    public var configuration: EvaluationConfiguration
    /// One entry per method, in `RoutingMethod` order.
    public var methods: [MethodReport]
    /// Wall time, filled in by the CLI (not by the deterministic core).
    public var elapsedSeconds: Double?
    /// Reward against cost per router; present when the evaluation ran the cost sweep.
    public var costs: CostAnalysis?
    /// The gateway's hybrid top-k measured offline; present when the evaluation had every response.
    public var hybridTopK: HybridTopKReport? = nil

    public func method(_ method: RoutingMethod) -> MethodReport? {
        methods.first { $0.method == method }
    }
}

public struct DatasetSummary: Codable, Sendable, Equatable {
    public var name: String
    public var fingerprint: String
    public var queries: Int
    public var experts: [String]
    /// Whole-dataset mean reward per expert.
    public var expertMeanReward: [Double]
    public var sources: [SourceSummary]
}

public struct SourceSummary: Codable, Sendable, Equatable {
    /// The dataset's `source` value (`(none)` for null).
    public var name: String
    public var queries: Int
    /// Mean reward per expert on this source (whole dataset).
    public var expertMeanReward: [Double]
    public var oracleMeanReward: Double
}

public struct MethodReport: Codable, Sendable, Equatable {
    public var method: RoutingMethod
    /// Mean reward of the chosen expert over all out-of-fold predictions, averaged over seeds.
    public var meanReward: Double
    /// Population std over seeds of the per-seed mean reward.
    public var meanRewardStdOverSeeds: Double
    public var perSeedMeanReward: [Double]
    /// meanReward − meanReward(bestSingle), both cross-validated on the same folds.
    public var deltaVsBestSingle: Double
    /// Paired bootstrap 95 % interval of the delta (queries resampled; per-query deltas averaged
    /// over seeds first).
    public var deltaCI95: [Double]
    /// (m − bestSingle)/(oracle − bestSingle); nil when the oracle equals the best single.
    public var gapClosed: Double?
    /// Share of predictions whose expert attains the query's maximum reward (ties count as hits).
    public var routingAccuracy: Double
    /// Share of queries routed to each expert.
    public var expertUsage: [Double]
    /// Mean reward per source (pooled over seeds).
    public var perSourceMeanReward: [Double]
    /// Mean over sources of the method's rank among the experts (1 = best; ties resolved in the
    /// method's favour: rank = 1 + experts strictly better on that source).
    public var meanTaskRank: Double
    /// Share of sources where the method ranks first.
    public var shareOfSourcesRankedFirst: Double
    /// How often each selected configuration was chosen over (seed, fold) jobs.
    public var selections: [String: Int]
    /// meanReward − meanReward(zooter) and its paired bootstrap 95 % interval (as `deltaCI95`):
    /// an interval above 0 means the method is significantly better than ZOOTER on this data.
    /// Nil for ZOOTER itself and in reports written before these fields existed.
    public var deltaVsZooter: Double? = nil
    public var deltaVsZooterCI95: [Double]? = nil
}
