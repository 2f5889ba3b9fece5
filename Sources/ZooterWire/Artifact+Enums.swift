// Enums of artifact.proto. Each keeps unknown numbers from newer peers as `.unrecognized(n)`
// (proto3 open enums); `rawValue` is the proto enum number.

/// `zooter.v1.RewardTransform`: the transform g applied to rewards before the label softmax.
public enum RewardTransform: RawRepresentable, Sendable, Hashable {
    /// Not recorded (0); LoadModel rejects it.
    case unspecified
    /// g(r) = r (1).
    case identity
    /// Per-query standardisation (2).
    case standardize
    /// g(r) = log(r / (1 − r)) (3).
    case logit
    case unrecognized(Int)

    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .identity
        case 2: self = .standardize
        case 3: self = .logit
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int {
        switch self {
        case .unspecified: 0
        case .identity: 1
        case .standardize: 2
        case .logit: 3
        case .unrecognized(let number): number
        }
    }
}

/// `zooter.v1.HeadKind`: the router head's architecture.
public enum HeadKind: RawRepresentable, Sendable, Hashable {
    /// Not recorded (0); LoadModel rejects it.
    case unspecified
    /// logits = W·e + b (1).
    case linear
    /// One hidden layer with GELU (2).
    case mlp
    case unrecognized(Int)

    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .linear
        case 2: self = .mlp
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int {
        switch self {
        case .unspecified: 0
        case .linear: 1
        case .mlp: 2
        case .unrecognized(let number): number
        }
    }
}

/// `zooter.v1.TagSource`: where the tags used for label enhancement came from.
public enum TagSource: RawRepresentable, Sendable, Hashable {
    /// Not recorded (0); treated like `.noTags`.
    case unspecified
    /// No tags, β = 1 (1; proto `TAG_SOURCE_NONE`, renamed to avoid clashing with `Optional.none`).
    case noTags
    /// The dataset's `tags` (2).
    case dataset
    /// The Tagger service (3).
    case tagger
    /// Dataset tags merged with the Tagger's (4).
    case datasetAndTagger
    case unrecognized(Int)

    public init(rawValue: Int) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .noTags
        case 2: self = .dataset
        case 3: self = .tagger
        case 4: self = .datasetAndTagger
        default: self = .unrecognized(rawValue)
        }
    }

    public var rawValue: Int {
        switch self {
        case .unspecified: 0
        case .noTags: 1
        case .dataset: 2
        case .tagger: 3
        case .datasetAndTagger: 4
        case .unrecognized(let number): number
        }
    }
}
