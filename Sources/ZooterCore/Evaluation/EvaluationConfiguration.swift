/// The routing methods compared on the same folds.
public enum RoutingMethod: String, Codable, Sendable, CaseIterable, Comparable {
    /// ZOOTER: soft reward labels (+ tag enhancement), KL distillation into a head.
    case zooter
    /// ZOOTER with β fixed at 1 (no tag enhancement).
    case zooterNoTags
    /// The expert with the highest mean reward on the training folds.
    case bestSingle
    /// A uniformly random expert (its expected reward: the mean over experts).
    case random
    /// The per-query best expert (upper bound).
    case oracle
    /// Cosine k-nearest neighbours: argmax of the neighbours' mean reward per expert.
    case knn
    /// Best expert per tag on the training folds (fallback: best single).
    case perTag
    /// The same head trained with cross-entropy on argmax (hard) labels.
    case hardLabel
    /// Ridge regression of the reward vector on the embedding; argmax of the predicted rewards.
    case ridge
    /// A linear classifier of the query's tag (task) from the embedding; the expert with the
    /// highest expected reward under the predicted tag distribution (needs tags).
    case taskClassifier
    /// ZOOTER with the encoder's top layers fine-tuned under the routing loss (`evaluate
    /// --finetune-layers N`), starting from ZOOTER's selected labels and head.
    case zooterFineTuned

    public static func < (lhs: RoutingMethod, rhs: RoutingMethod) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}

/// The hyper-parameter grid searched on inner folds (never on the test fold).
///
/// Selection is staged to keep it cheap (a full product would be
/// transforms×temperatures×betas×heads×decays trainings per split):
/// 1. (g, τ) with β = 1, head = `heads[0]`, decay = `weightDecays[0]`;
/// 2. β over `betas` with the chosen (g, τ) (ZOOTER only; the no-tags variant keeps β = 1);
/// 3. head × decay with the chosen labels;
/// 4. the confidence threshold on the pooled inner-validation predictions of the chosen model.
public struct SelectionGrid: Codable, Sendable, Equatable {
    public var transforms: [RewardTransform]
    public var temperatures: [Double]
    public var betas: [Double]
    public var heads: [HeadKind]
    public var weightDecays: [Float]
    /// Thresholds tried besides 0 (off) and "always fall back": these quantiles of the inner
    /// validation max-probabilities.
    public var thresholdQuantiles: [Double]
    public var neighbourCounts: [Int]
    /// Ridge penalties, relative to the mean diagonal of the training rows' centred Gram matrix.
    public var ridgePenalties: [Double]

    /// The defaults are a deliberately small grid: on our three development sets the former
    /// 3 transforms × 3 temperatures × 2 heads chose no better routers (mmlu-pro-8 0.5711 vs
    /// 0.5709, routerbench open subset 0.8050 vs 0.8046, alpaca-eval-13b 0.0580 vs 0.0606 for this
    /// grid; 3 seeds) at a third more time: with one noisy inner split, every extra candidate is
    /// one more chance to select on noise (docs/results.md, "What was tried").
    public init(transforms: [RewardTransform] = [.identity, .standardize],
                temperatures: [Double] = [1, 3],
                betas: [Double] = [1, 0.7, 0.4],
                heads: [HeadKind] = [.linear],
                weightDecays: [Float] = [0.01, 0.1],
                thresholdQuantiles: [Double] = [0.25, 0.5, 0.75],
                neighbourCounts: [Int] = [10, 25, 50, 100, 200],
                ridgePenalties: [Double] = [0.1, 1, 10, 100]) {
        self.transforms = transforms
        self.temperatures = temperatures
        self.betas = betas
        self.heads = heads
        self.weightDecays = weightDecays
        self.thresholdQuantiles = thresholdQuantiles
        self.neighbourCounts = neighbourCounts
        self.ridgePenalties = ridgePenalties
    }

    private enum CodingKeys: String, CodingKey {
        case transforms, temperatures, betas, heads, weightDecays, thresholdQuantiles, neighbourCounts, ridgePenalties
    }

    /// Reports written before `ridgePenalties` existed decode with the default penalties.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(transforms: try c.decode([RewardTransform].self, forKey: .transforms),
                  temperatures: try c.decode([Double].self, forKey: .temperatures),
                  betas: try c.decode([Double].self, forKey: .betas),
                  heads: try c.decode([HeadKind].self, forKey: .heads),
                  weightDecays: try c.decode([Float].self, forKey: .weightDecays),
                  thresholdQuantiles: try c.decode([Double].self, forKey: .thresholdQuantiles),
                  neighbourCounts: try c.decode([Int].self, forKey: .neighbourCounts))
        if let penalties = try c.decodeIfPresent([Double].self, forKey: .ridgePenalties) { ridgePenalties = penalties }
    }
}

/// How hyper-parameters are chosen inside each outer training set.
public enum InnerSelectionScheme: Codable, Sendable, Equatable {
    /// k-fold over the outer training rows (every row validates once).
    case folds(Int)
    /// One random holdout of this share of the outer training rows.
    case holdout(Double)
}

/// Everything an evaluation run needs besides data.
public struct EvaluationConfiguration: Codable, Sendable, Equatable {
    public var folds: Int
    public var seeds: [UInt64]
    public var tagSource: TagSource
    public var grid: SelectionGrid
    /// nil = automatic: 3 inner folds up to 3000 training rows, else a 20 % holdout.
    public var innerSelection: InnerSelectionScheme?
    /// Base training settings; head kind and decay are overridden by the grid.
    public var training: TrainingConfiguration
    public var bootstrapSamples: Int
    /// Route test rows with the mean probabilities of the final head and the selected
    /// configuration's inner-split heads (all trained on training rows only).
    public var ensembleInnerHeads: Bool
    /// Worker threads over (seed, fold) jobs; results do not depend on it.
    public var threads: Int

    public init(folds: Int = 5, seeds: [UInt64] = Array(0..<10), tagSource: TagSource = .source,
                grid: SelectionGrid = SelectionGrid(), innerSelection: InnerSelectionScheme? = nil,
                training: TrainingConfiguration = TrainingConfiguration(hiddenUnits: 64),
                bootstrapSamples: Int = 2000, ensembleInnerHeads: Bool = true, threads: Int = 2) {
        self.folds = folds
        self.seeds = seeds
        self.tagSource = tagSource
        self.grid = grid
        self.innerSelection = innerSelection
        self.training = training
        self.bootstrapSamples = bootstrapSamples
        self.ensembleInnerHeads = ensembleInnerHeads
        self.threads = threads
    }

    func innerScheme(trainingRows: Int) -> InnerSelectionScheme {
        innerSelection ?? (trainingRows <= 3000 ? .folds(3) : .holdout(0.2))
    }
}

/// Rows seen by hyper-parameter selection, reported to an observer (used by the leakage test).
public struct SelectionEvent: Sendable {
    public var seed: UInt64
    public var fold: Int
    /// Rows whose labels/rewards fitted a candidate.
    public var trainingRows: [Int]
    /// Rows whose rewards scored a candidate.
    public var validationRows: [Int]
}

public enum EvaluationProblem: Error, Sendable, Equatable, CustomStringConvertible {
    case missingRewards(id: String)
    case embeddingCountMismatch(expected: Int, got: Int)
    case tooFewQueries(queries: Int, folds: Int)
    case tooFewExperts(Int)
    case invalidConfiguration(String)

    public var description: String {
        switch self {
        case .missingRewards(let id): return "query \"\(id)\" has no rewards; score it with the reward service first"
        case .embeddingCountMismatch(let e, let g): return "expected \(e) embedding rows (one per query), got \(g)"
        case .tooFewQueries(let q, let f): return "\(q) queries cannot be split into \(f) folds of at least 2"
        case .tooFewExperts(let n): return "routing needs at least 2 experts, the dataset has \(n)"
        case .invalidConfiguration(let message): return "invalid evaluation configuration: \(message)"
        }
    }
}
