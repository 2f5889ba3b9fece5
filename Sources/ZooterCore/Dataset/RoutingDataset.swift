/// One query of a routing dataset (a line of `routing.jsonl`; format in README, "Datasets").
public struct RoutingExample: Sendable, Equatable {
    public var id: String
    public var query: String
    /// The sub-dataset or category the query came from; nil when the file says `null` or omits it.
    public var source: String?
    /// Free tags (instruction intents, domains); empty when absent.
    public var tags: [String]
    /// Response text per expert name, when present.
    public var responses: [String: String]?
    /// Reward per expert, in expert order (`RoutingDataset.experts`); nil when the line had no rewards.
    public var rewards: [Double]?
    /// Realised cost per expert in USD (what answering this query cost), in expert order; nil
    /// when the line had no `costs`.
    public var costs: [Double]?
    /// For logged traffic (a line with `propensities`): the rewards observed, by expert index,
    /// with the probability each expert was chosen with. `rewards` then holds the
    /// propensity-weighted estimate for every expert (`LoggedRewards`).
    public var logged: [Int: LoggedReward]?

    public init(id: String, query: String, source: String? = nil, tags: [String] = [],
                responses: [String: String]? = nil, rewards: [Double]? = nil, costs: [Double]? = nil,
                logged: [Int: LoggedReward]? = nil) {
        self.id = id
        self.query = query
        self.source = source
        self.tags = tags
        self.responses = responses
        self.rewards = rewards
        self.costs = costs
        self.logged = logged
    }
}

/// A reward observed in live traffic and the probability the router gave the expert that earned it.
public struct LoggedReward: Sendable, Equatable {
    public var reward: Double
    public var propensity: Double

    public init(reward: Double, propensity: Double) {
        self.reward = reward
        self.propensity = propensity
    }
}

/// Optional per-expert facts from `experts.json`: size, kind and price.
public struct ExpertFacts: Sendable, Equatable, Codable {
    public var name: String
    /// Approximate parameter count in billions.
    public var parametersBillions: Double?
    public var kind: String?
    /// Price of one query in USD (`cost_usd_per_query`; RouterBench's `mean_cost_usd_per_query`
    /// is read too).
    public var costUSDPerQuery: Double?

    public init(name: String, parametersBillions: Double? = nil, kind: String? = nil, costUSDPerQuery: Double? = nil) {
        self.name = name
        self.parametersBillions = parametersBillions
        self.kind = kind
        self.costUSDPerQuery = costUSDPerQuery
    }

    enum CodingKeys: String, CodingKey {
        case name
        case parametersBillions = "params_b"
        case kind
        case costUSDPerQuery = "cost_usd_per_query"
        case meanCostUSDPerQuery = "mean_cost_usd_per_query"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        parametersBillions = try c.decodeIfPresent(Double.self, forKey: .parametersBillions)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        costUSDPerQuery = try c.decodeIfPresent(Double.self, forKey: .costUSDPerQuery)
            ?? c.decodeIfPresent(Double.self, forKey: .meanCostUSDPerQuery)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(parametersBillions, forKey: .parametersBillions)
        try c.encodeIfPresent(kind, forKey: .kind)
        try c.encodeIfPresent(costUSDPerQuery, forKey: .costUSDPerQuery)
    }
}

/// A validated routing dataset: the expert order of `models.json` and every line of `routing.jsonl`.
public struct RoutingDataset: Sendable, Equatable {
    /// Expert names in the fixed order of `models.json`; reward columns follow this order.
    public var experts: [String]
    public var examples: [RoutingExample]
    /// Facts from `experts.json` in expert order, or nil when the file is absent.
    public var expertFacts: [ExpertFacts]?
    /// Where the examples came from (files and selection); nil for a dataset built in memory.
    public var identity: DatasetIdentity?

    public init(experts: [String], examples: [RoutingExample], expertFacts: [ExpertFacts]? = nil,
                identity: DatasetIdentity? = nil) {
        self.experts = experts
        self.examples = examples
        self.expertFacts = expertFacts
        self.identity = identity
    }

    public var count: Int { examples.count }
    public var queries: [String] { examples.map(\.query) }

    /// True when every example carries rewards (needed to train without the reward service).
    public var hasAllRewards: Bool { examples.allSatisfy { $0.rewards != nil } }

    /// True when every example carries realised costs.
    public var hasAllCosts: Bool { examples.allSatisfy { $0.costs != nil } }

    /// Rewards as a `[examples][experts]` matrix (Double, row-major), or nil if any line lacks rewards.
    public func rewardMatrix() -> RewardTable? {
        var values: [Double] = []
        values.reserveCapacity(examples.count * experts.count)
        for example in examples {
            guard let rewards = example.rewards else { return nil }
            values.append(contentsOf: rewards)
        }
        return RewardTable(rows: examples.count, experts: experts.count, values: values)
    }
}

/// Rewards `r[q][m]` in Double, row-major `[rows][experts]`. Double because the judge probabilities
/// go down to 1e-8 and the logit transform needs their exact ratio.
public struct RewardTable: Sendable, Equatable {
    public let rows: Int
    public let experts: Int
    public var values: [Double]

    public init(rows: Int, experts: Int, values: [Double]) {
        precondition(values.count == rows * experts, "reward table needs rows * experts values")
        self.rows = rows
        self.experts = experts
        self.values = values
    }

    public subscript(row: Int, expert: Int) -> Double {
        values[row * experts + expert]
    }

    public func row(_ index: Int) -> ArraySlice<Double> {
        values[(index * experts)..<((index + 1) * experts)]
    }

    /// The rows at `indices`, in that order.
    public func selecting(_ indices: [Int]) -> RewardTable {
        var out: [Double] = []
        out.reserveCapacity(indices.count * experts)
        for index in indices { out.append(contentsOf: row(index)) }
        return RewardTable(rows: indices.count, experts: experts, values: out)
    }
}
