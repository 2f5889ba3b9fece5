/// `zooter.v1.ModelManifest`: how a router model was made and how to serve it
/// (see artifact.proto for ranges and the errors LoadModel gives).
public struct ModelManifest: Sendable, Hashable {
    /// Manifest schema version; currently 1.
    public var formatVersion: UInt32
    /// Unique id of the trained model, echoed in every RouteResponse.
    public var modelVersion: String
    /// Experts in head output order (logit i ↔ `experts[i]`).
    public var experts: [Expert]
    /// Encoder id the head was trained on.
    public var encoder: String
    /// Lowercase hex SHA-256 of the encoder weights; empty skips the check.
    public var encoderSHA256: String
    public var headKind: HeadKind
    /// MLP hidden width; 0 for a linear head.
    public var hiddenSize: UInt32
    /// Encoder output width the head expects, e.g. 384.
    public var embeddingDimension: UInt32
    /// The reward transform g (provenance).
    public var rewardTransform: RewardTransform
    /// Label softmax temperature τ > 0 (provenance).
    public var temperature: Double
    /// Tag-enhancement mix β in [0, 1] (provenance).
    public var beta: Double
    public var tagSource: TagSource
    /// All tag names seen in training, sorted.
    public var tags: [String]
    /// Lowercase hex SHA-256 of the training routing.jsonl.
    public var datasetSHA256: String
    /// E.g. `"dataset"` or `"zooter-reward:<scorer>@<version>"`.
    public var rewardSource: String
    /// `"<tagger>@<version>"`, empty when none was used.
    public var tagger: String
    /// Evaluation results by snake_case name. Encoded in key order.
    public var metrics: [String: Double]
    /// Seconds since the Unix epoch; 0 = unknown.
    public var createdUnixSeconds: UInt64
    /// Minimum top probability in [0, 1) to trust the head; 0 = off.
    public var confidenceThreshold: Double
    /// Expert chosen below `confidenceThreshold`.
    public var fallbackExpert: String
    /// Lowercase hex SHA-256 of the head safetensors bytes; empty skips the check.
    public var headSHA256: String
    /// Which examples of the dataset were used: "all" or "first N".
    public var datasetSelection: String
    /// Folder (relative to the artifact directory) of a fine-tuned encoder; empty: the router's own.
    public var encoderPath: String

    public init(
        formatVersion: UInt32 = 0, modelVersion: String = "", experts: [Expert] = [],
        encoder: String = "", encoderSHA256: String = "", headKind: HeadKind = .unspecified,
        hiddenSize: UInt32 = 0, embeddingDimension: UInt32 = 0,
        rewardTransform: RewardTransform = .unspecified, temperature: Double = 0, beta: Double = 0,
        tagSource: TagSource = .unspecified, tags: [String] = [], datasetSHA256: String = "",
        rewardSource: String = "", tagger: String = "", metrics: [String: Double] = [:],
        createdUnixSeconds: UInt64 = 0, confidenceThreshold: Double = 0, fallbackExpert: String = "",
        headSHA256: String = "", datasetSelection: String = "", encoderPath: String = ""
    ) {
        self.formatVersion = formatVersion
        self.modelVersion = modelVersion
        self.experts = experts
        self.encoder = encoder
        self.encoderSHA256 = encoderSHA256
        self.headKind = headKind
        self.hiddenSize = hiddenSize
        self.embeddingDimension = embeddingDimension
        self.rewardTransform = rewardTransform
        self.temperature = temperature
        self.beta = beta
        self.tagSource = tagSource
        self.tags = tags
        self.datasetSHA256 = datasetSHA256
        self.rewardSource = rewardSource
        self.tagger = tagger
        self.metrics = metrics
        self.createdUnixSeconds = createdUnixSeconds
        self.confidenceThreshold = confidenceThreshold
        self.fallbackExpert = fallbackExpert
        self.headSHA256 = headSHA256
        self.datasetSelection = datasetSelection
        self.encoderPath = encoderPath
    }
}

/// `zooter.v1.ModelArtifact`: a complete router model, inline.
public struct ModelArtifact: Sendable, Hashable {
    /// Required by LoadModel; nil when absent on the wire.
    public var manifest: ModelManifest?
    /// The bytes of the head's safetensors file.
    public var headSafetensors: [UInt8]

    public init(manifest: ModelManifest? = nil, headSafetensors: [UInt8] = []) {
        self.manifest = manifest
        self.headSafetensors = headSafetensors
    }
}
