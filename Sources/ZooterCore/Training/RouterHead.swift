/// A loaded head ready to route: embeddings in, expert probabilities or choices out.
/// Immutable and shareable across threads.
public final class RouterHead: Sendable {
    public let weights: HeadWeights

    public init(weights: HeadWeights) {
        self.weights = weights
    }

    public var experts: [String] { weights.experts }

    /// Logits `[n][experts]` for `[n][inputs]` embeddings.
    public func logits(_ embeddings: Matrix) -> Matrix {
        HeadKernels.logits(architecture: weights.architecture, parameters: weights.parameters,
                           embeddings: embeddings, rows: Array(0..<embeddings.rows))
    }

    /// Logits for a subset of rows of `embeddings`, in the order of `rows`.
    public func logits(_ embeddings: Matrix, rows: [Int]) -> Matrix {
        HeadKernels.logits(architecture: weights.architecture, parameters: weights.parameters,
                           embeddings: embeddings, rows: rows)
    }

    /// Softmax probabilities `[n][experts]`.
    public func probabilities(_ embeddings: Matrix) -> Matrix {
        LossKernels.softmaxRows(logits(embeddings))
    }

    public func probabilities(_ embeddings: Matrix, rows: [Int]) -> Matrix {
        LossKernels.softmaxRows(logits(embeddings, rows: rows))
    }

    /// The chosen expert per row: the argmax of the probabilities, or `fallback` when the largest
    /// probability is below `policy.threshold`.
    public func route(_ embeddings: Matrix, policy: RoutingPolicy = .argmax) -> [Int] {
        policy.choose(probabilities(embeddings))
    }
}

/// How probabilities become a choice: argmax, with an optional confidence fallback.
public struct RoutingPolicy: Codable, Sendable, Equatable {
    /// Route to `fallbackExpert` when max probability < threshold; 0 disables the fallback.
    public var threshold: Float
    /// Expert index used below the threshold (the best single expert on training data).
    public var fallbackExpert: Int

    public init(threshold: Float = 0, fallbackExpert: Int = 0) {
        self.threshold = threshold
        self.fallbackExpert = fallbackExpert
    }

    public static let argmax = RoutingPolicy()

    /// Choices for `[n][experts]` probabilities, by `RoutingDecision.decide` (the router's rule:
    /// ties go to manifest order, the fallback below the threshold).
    public func choose(_ probabilities: Matrix) -> [Int] {
        (0..<probabilities.rows).map { r in
            RoutingDecision.decide(probabilities: probabilities.row(r), threshold: Double(threshold),
                                   fallback: threshold > 0 ? fallbackExpert : nil).chosen
        }
    }
}
