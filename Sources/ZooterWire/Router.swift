// Messages of router.proto (service zooter.v1.Router). Ranges and errors: see the proto.

/// `zooter.v1.RouteRequest`: one query to route.
public struct RouteRequest: Sendable, Hashable {
    /// The user query; must contain a non-whitespace character.
    public var query: String
    /// Cost weight λ ≥ 0: score = probability − λ·cost; 0 = off.
    public var costWeight: Double
    /// Only rank and choose these experts; empty = all.
    public var allowedExperts: [String]
    /// Caller id, echoed in the response; empty = none.
    public var requestID: String
    /// Entries in `RouteResponse.ranked`; 0 = all.
    public var topK: UInt32

    public init(
        query: String = "", costWeight: Double = 0, allowedExperts: [String] = [], requestID: String = "",
        topK: UInt32 = 0
    ) {
        self.query = query
        self.costWeight = costWeight
        self.allowedExperts = allowedExperts
        self.requestID = requestID
        self.topK = topK
    }
}

/// `zooter.v1.ExpertScore`: one expert's standing for a query.
public struct ExpertScore: Sendable, Hashable {
    public var expert: String
    /// Router probability in [0, 1].
    public var probability: Double
    /// The expert's manifest cost.
    public var cost: Double
    /// Ranking key: probability − costWeight·cost.
    public var score: Double

    public init(expert: String = "", probability: Double = 0, cost: Double = 0, score: Double = 0) {
        self.expert = expert
        self.probability = probability
        self.cost = cost
        self.score = score
    }
}

/// `zooter.v1.RouteResponse`: the ranking for one query.
public struct RouteResponse: Sendable, Hashable {
    /// Sorted by score, best first.
    public var ranked: [ExpertScore]
    /// The expert to call.
    public var chosen: String
    public var modelVersion: String
    /// Encoder time, microseconds.
    public var encodeMicros: UInt64
    /// Decode-to-response time incl. batching queue, microseconds.
    public var totalMicros: UInt64
    public var requestID: String
    /// `chosen` is the manifest's fallback expert (top probability under the threshold).
    public var fallbackUsed: Bool

    public init(
        ranked: [ExpertScore] = [], chosen: String = "", modelVersion: String = "", encodeMicros: UInt64 = 0,
        totalMicros: UInt64 = 0, requestID: String = "", fallbackUsed: Bool = false
    ) {
        self.ranked = ranked
        self.chosen = chosen
        self.modelVersion = modelVersion
        self.encodeMicros = encodeMicros
        self.totalMicros = totalMicros
        self.requestID = requestID
        self.fallbackUsed = fallbackUsed
    }
}

/// `zooter.v1.RouteBatchRequest`.
public struct RouteBatchRequest: Sendable, Hashable {
    public var requests: [RouteRequest]

    public init(requests: [RouteRequest] = []) {
        self.requests = requests
    }
}

/// `zooter.v1.RouteBatchResponse`: one response per request, in request order.
public struct RouteBatchResponse: Sendable, Hashable {
    public var responses: [RouteResponse]

    public init(responses: [RouteResponse] = []) {
        self.responses = responses
    }
}

/// `zooter.v1.LoadModelRequest` (admin): where to load the new model from.
public struct LoadModelRequest: Sendable, Hashable {
    /// The `oneof source` of the proto.
    public enum Source: Sendable, Hashable {
        /// Absolute path of an artifact directory on the router's filesystem.
        case artifactPath(String)
        /// The artifact inline.
        case artifact(ModelArtifact)
    }

    /// nil when unset on the wire (the router answers INVALID_ARGUMENT).
    public var source: Source?

    public init(source: Source? = nil) {
        self.source = source
    }
}

/// `zooter.v1.LoadModelResponse`.
public struct LoadModelResponse: Sendable, Hashable {
    public var modelVersion: String
    public var expertCount: UInt32
    /// Empty when no model was loaded before.
    public var previousModelVersion: String

    public init(modelVersion: String = "", expertCount: UInt32 = 0, previousModelVersion: String = "") {
        self.modelVersion = modelVersion
        self.expertCount = expertCount
        self.previousModelVersion = previousModelVersion
    }
}

/// `zooter.v1.ModelInfoRequest` (no fields).
public struct ModelInfoRequest: Sendable, Hashable {
    public init() {}
}

/// `zooter.v1.ModelInfoResponse`: the served model.
public struct ModelInfoResponse: Sendable, Hashable {
    public var loaded: Bool
    public var manifest: ModelManifest?
    /// The router's own encoder.
    public var encoder: EncoderInfo?
    public var loadedUnixSeconds: UInt64
    public var routesServed: UInt64

    public init(
        loaded: Bool = false, manifest: ModelManifest? = nil, encoder: EncoderInfo? = nil,
        loadedUnixSeconds: UInt64 = 0, routesServed: UInt64 = 0
    ) {
        self.loaded = loaded
        self.manifest = manifest
        self.encoder = encoder
        self.loadedUnixSeconds = loadedUnixSeconds
        self.routesServed = routesServed
    }
}
