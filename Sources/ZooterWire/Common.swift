/// `zooter.v1.EncoderInfo`: identifies a sentence encoder exactly (see common.proto).
public struct EncoderInfo: Sendable, Hashable {
    /// Encoder id, e.g. `"sentence-transformers/all-MiniLM-L6-v2"`.
    public var name: String
    /// Lowercase hex SHA-256 of the encoder's model.safetensors; empty when unknown.
    public var sha256: String
    /// Embedding width (384 for MiniLM); 0 when unknown.
    public var dimension: UInt32
    /// Longest input in WordPiece tokens; longer queries are truncated. 0 when unknown.
    public var maxTokens: UInt32

    public init(name: String = "", sha256: String = "", dimension: UInt32 = 0, maxTokens: UInt32 = 0) {
        self.name = name
        self.sha256 = sha256
        self.dimension = dimension
        self.maxTokens = maxTokens
    }
}

/// `zooter.v1.Expert`: one candidate model the router can pick (see common.proto).
public struct Expert: Sendable, Hashable {
    /// Unique, non-empty name within a manifest, e.g. `"vicuna-13b"`.
    public var name: String
    /// Relative, unitless cost of one call (≥ 0) for cost-aware routing; 0 = free/unknown.
    public var cost: Double
    /// Parameter count in billions; 0 = unknown.
    public var paramsB: Double
    /// Free-form kind from experts.json (`"chat"`, `"instruct"`, `"base"`); empty = unknown.
    public var kind: String
    /// URL to forward queries to; empty = rank only.
    public var endpoint: String

    public init(name: String = "", cost: Double = 0, paramsB: Double = 0, kind: String = "", endpoint: String = "") {
        self.name = name
        self.cost = cost
        self.paramsB = paramsB
        self.kind = kind
        self.endpoint = endpoint
    }
}
