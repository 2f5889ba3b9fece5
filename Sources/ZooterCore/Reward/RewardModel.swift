public import Foundation

/// The built-in reward scorer: a small MLP on encoder features of a query and a response,
/// `[q, r, q⊙r, |q−r|]` (4 × dimension inputs) → hidden (ReLU) → one scalar reward.
///
/// Parameters use the head layout (`HeadArchitecture` kind `.mlp`, one output), so the forward
/// pass is the head's SIMD kernel. Fitted by `RewardModelTrainer` with a Bradley–Terry loss.
public final class RewardModel: Sendable {
    public let weights: HeadWeights
    /// Width of one encoder embedding.
    public let dimension: Int
    /// sha256 of the weights, for `Info` and cache keys.
    public let version: String

    public init(weights: HeadWeights) throws(CoreError) {
        let architecture = weights.architecture
        guard architecture.kind == .mlp, architecture.outputs == 1, architecture.inputs % 4 == 0 else {
            throw CoreError.headWeights(FileProblem(path: "reward model", message: "expected an MLP with 4×dimension inputs and one output, got \(architecture)"))
        }
        self.weights = weights
        self.dimension = architecture.inputs / 4
        self.version = SHA256.hex(weights.safetensorsData())
    }

    /// Feature rows `[pairs][4 × dimension]` from unit-norm query and response embeddings.
    public static func features(queries: Matrix, responses: Matrix) -> Matrix {
        precondition(queries.rows == responses.rows && queries.columns == responses.columns, "one response per query")
        let d = queries.columns
        var out = Matrix(rows: queries.rows, columns: 4 * d)
        for row in 0..<queries.rows {
            let base = row * 4 * d
            for j in 0..<d {
                let q = queries[row, j], r = responses[row, j]
                out.values[base + j] = q
                out.values[base + d + j] = r
                out.values[base + 2 * d + j] = q * r
                out.values[base + 3 * d + j] = abs(q - r)
            }
        }
        return out
    }

    /// Rewards for feature rows (one per pair).
    public func score(features: Matrix) -> [Double] {
        let logits = HeadKernels.logits(architecture: weights.architecture, parameters: weights.parameters,
                                        embeddings: features, rows: Array(0..<features.rows))
        return logits.values.map(Double.init)
    }

    public func save(to url: URL) throws(CoreError) {
        try weights.save(to: url, metadata: ["format-role": "zooter-reward-model"])
    }

    /// With `dimension`, the file must fit that encoder (checked before the weights are read).
    public static func load(from url: URL, dimension: Int? = nil) throws(CoreError) -> RewardModel {
        try RewardModel(weights: HeadWeights.load(from: url, inputs: dimension.map { 4 * $0 }).weights)
    }
}
