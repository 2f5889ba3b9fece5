// Messages of tagger.proto (service zooter.v1.Tagger). Ranges and errors: see the proto.

/// `zooter.v1.TagQuery`: one query to tag.
public struct TagQuery: Sendable, Hashable {
    public var query: String
    /// Known tags, returned with origin `.given` and score 1.
    public var givenTags: [String]

    public init(query: String = "", givenTags: [String] = []) {
        self.query = query
        self.givenTags = givenTags
    }
}

/// `zooter.v1.TagRequest`: a batch of queries (1…max_batch).
public struct TagRequest: Sendable, Hashable {
    public var queries: [TagQuery]
    /// Most inferred tags per query; 0 = server default.
    public var maxTags: UInt32
    /// Drop inferred tags scoring below this, in [0, 1].
    public var minScore: Float

    public init(queries: [TagQuery] = [], maxTags: UInt32 = 0, minScore: Float = 0) {
        self.queries = queries
        self.maxTags = maxTags
        self.minScore = minScore
    }
}

/// `zooter.v1.TagOrigin`: where a tag came from; `rawValue` is the proto number.
public enum TagOrigin: RawRepresentable, Sendable, Hashable {
    /// Not recorded (0).
    case unspecified
    /// Matched against the named taxonomy (1).
    case taxonomy
    /// An unnamed embedding cluster, `"latent/<index>"` (2).
    case latent
    /// Copied from `TagQuery.givenTags` (3).
    case given
    /// A number this version does not know.
    case unrecognized(Int)

    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .taxonomy
        case 2: self = .latent
        case 3: self = .given
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int {
        switch self {
        case .unspecified: 0
        case .taxonomy: 1
        case .latent: 2
        case .given: 3
        case .unrecognized(let number): number
        }
    }
}

/// `zooter.v1.ScoredTag`: one tag with its confidence.
public struct ScoredTag: Sendable, Hashable {
    public var name: String
    /// Confidence in [0, 1].
    public var score: Float
    public var origin: TagOrigin

    public init(name: String = "", score: Float = 0, origin: TagOrigin = .unspecified) {
        self.name = name
        self.score = score
        self.origin = origin
    }
}

/// `zooter.v1.QueryTags`: the tags of one query (given first, then by descending score).
public struct QueryTags: Sendable, Hashable {
    public var tags: [ScoredTag]

    public init(tags: [ScoredTag] = []) {
        self.tags = tags
    }
}

/// `zooter.v1.TagResponse`: one entry per query, in request order.
public struct TagResponse: Sendable, Hashable {
    public var results: [QueryTags]
    public var tagger: String
    public var taggerVersion: String

    public init(results: [QueryTags] = [], tagger: String = "", taggerVersion: String = "") {
        self.results = results
        self.tagger = tagger
        self.taggerVersion = taggerVersion
    }
}

/// `zooter.v1.TaggerInfoRequest` (no fields).
public struct TaggerInfoRequest: Sendable, Hashable {
    public init() {}
}

/// `zooter.v1.TaxonomyTag`: a named tag and the description it is matched against.
public struct TaxonomyTag: Sendable, Hashable {
    public var name: String
    public var description: String

    public init(name: String = "", description: String = "") {
        self.name = name
        self.description = description
    }
}

/// `zooter.v1.TaggerInfoResponse`: describes the tagger.
public struct TaggerInfoResponse: Sendable, Hashable {
    public var taxonomy: [TaxonomyTag]
    /// Number of latent clusters; 0 = latent tagging off.
    public var latentClusters: UInt32
    public var encoder: EncoderInfo?
    public var tagger: String
    public var version: String
    /// Largest accepted `TagRequest.queries` count.
    public var maxBatch: UInt32

    public init(
        taxonomy: [TaxonomyTag] = [], latentClusters: UInt32 = 0, encoder: EncoderInfo? = nil, tagger: String = "",
        version: String = "", maxBatch: UInt32 = 0
    ) {
        self.taxonomy = taxonomy
        self.latentClusters = latentClusters
        self.encoder = encoder
        self.tagger = tagger
        self.version = version
        self.maxBatch = maxBatch
    }
}
