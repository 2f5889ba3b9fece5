public import GRDB

/// One served exchange as the gateway logs it: who asked, what the router said, which expert
/// answered, and the reward service's score of the answer. Prompts and answers are user data:
/// they are stored only when the gateway's `exchange_log.store_text` is on.
public struct LoggedExchange: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "exchanges"

    public var id: Int64?
    /// Unix time, seconds, when the answer was complete.
    public var time: Double
    public var requestID: String
    public var tenant: String
    /// The router model's version ("" for pass-through requests).
    public var modelVersion: String
    /// The expert that answered.
    public var expert: String
    /// The router's probability of that expert (nil for pass-through requests).
    public var probability: Double?
    /// Every ranked expert's probability, as a JSON object (`{}` for pass-through).
    public var probabilities: String
    public var routed: Bool
    public var fallback: Bool
    /// The routed text and the answer's text (nil when texts are not stored).
    public var query: String?
    public var answer: String?
    /// The reward service's score of (query, answer); nil when it could not score.
    public var reward: Double?
    /// Which scorer, at which version, gave `reward` (rewards of different scorers never compare).
    public var scorer: String?
    /// The query's tags, as a JSON array.
    public var tags: String

    enum CodingKeys: String, CodingKey {
        case id, time, requestID = "request_id", tenant, modelVersion = "model_version", expert, probability, probabilities,
             routed, fallback, query, answer, reward, scorer, tags
    }

    public init(id: Int64? = nil, time: Double, requestID: String, tenant: String, modelVersion: String, expert: String,
                probability: Double?, probabilities: String, routed: Bool, fallback: Bool, query: String?, answer: String?,
                reward: Double?, scorer: String?, tags: String = "[]") {
        self.id = id
        self.time = time
        self.requestID = requestID
        self.tenant = tenant
        self.modelVersion = modelVersion
        self.expert = expert
        self.probability = probability
        self.probabilities = probabilities
        self.routed = routed
        self.fallback = fallback
        self.query = query
        self.answer = answer
        self.reward = reward
        self.scorer = scorer
        self.tags = tags
    }
}
