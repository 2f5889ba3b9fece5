import Foundation

/// Hyper-parameters of fine-tuning the encoder with the routing loss (`EncoderFineTuner`).
public struct FineTuningConfiguration: Codable, Sendable, Equatable {
    /// The top layers trained, 1 … the model's layer count. The layers below stay frozen and
    /// their output is computed once per dataset, so an epoch costs about `layers / count` of a
    /// full one. The embedding tables always stay frozen (most of their 30,522 rows never occur in
    /// a routing dataset; a row seen a few times would be fitted to noise).
    public var layers: Int = 1
    /// The learning rates were chosen on the inner validation rows of mmlu-pro-8 (docs/fine-tuning.md):
    /// with the head at 1e-3 the first epoch often undid the trained head; at 1e-4 every epoch
    /// lowered the validation loss.
    public var encoderLearningRate: Float = 1e-5
    public var headLearningRate: Float = 1e-4
    /// Epochs of the learning-rate schedule; early stopping on the validation rows keeps the best
    /// epoch, which may be 0 (the frozen encoder and head as given).
    public var epochs: Int = 2
    /// Sequences per step; batches are drawn from length-sorted buckets so a batch's sequences
    /// have similar lengths.
    public var batchSize: Int = 32
    /// Linear warm-up over this share of the steps, then linear decay to 0.
    public var warmupFraction: Float = 0.1
    /// Decoupled weight decay of the Linear weights (not of biases and LayerNorm parameters).
    public var weightDecay: Float = 0.01
    /// The gradient's global L2 norm is clipped to this.
    public var clipNorm: Float = 1
    /// Sequences are truncated to this many tokens (`[CLS]` and `[SEP]` included) for training.
    public var maxTokens: Int = 128
    /// β of the labels fine-tuning trains on (`p̂ = β·p + (1−β)·tag prior`); nil: the frozen
    /// router's selected β. A small β moves the targets toward the tag's (task's) reward
    /// distribution, the signal a fine-tuned encoder might separate better than frozen embeddings.
    public var labelBeta: Double?
    /// Hidden units of the routing head trained with the encoder: 0 for a linear head (the
    /// frozen router's default), N for an MLP with one GELU layer of N units, started from such a
    /// head trained on the frozen embeddings (the head's capacity as a lever of its own).
    public var headHiddenUnits: Int = 0
    public var seed: UInt64 = 0
    /// Worker threads of the kernels; results do not depend on it.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    public init() {}

    /// Throws when a value cannot train: named, with its allowed range.
    public func validate(layerCount: Int) throws(CoreError) {
        func fail(_ message: String) -> CoreError { .evaluation(.invalidConfiguration("fine-tuning: \(message)")) }
        guard (1...layerCount).contains(layers) else { throw fail("layers must be in 1...\(layerCount), got \(layers)") }
        guard encoderLearningRate >= 0, encoderLearningRate.isFinite, headLearningRate >= 0, headLearningRate.isFinite else {
            throw fail("learning rates must be finite and ≥ 0")
        }
        guard (1...100).contains(epochs) else { throw fail("epochs must be in 1...100, got \(epochs)") }
        guard (1...4096).contains(batchSize) else { throw fail("batch size must be in 1...4096, got \(batchSize)") }
        guard (0..<1).contains(warmupFraction), weightDecay >= 0, weightDecay.isFinite, clipNorm > 0, clipNorm.isFinite else {
            throw fail("warm-up must be in [0, 1), weight decay ≥ 0 and the clip norm > 0")
        }
        guard maxTokens >= 2 else { throw fail("max tokens must be ≥ 2 ([CLS] and [SEP])") }
        if let labelBeta, !(0...1).contains(labelBeta) { throw fail("label β must be in [0, 1], got \(labelBeta)") }
        guard (0...4096).contains(headHiddenUnits) else { throw fail("head hidden units must be in 0...4096, got \(headHiddenUnits)") }
    }
}

/// One epoch of fine-tuning, for the report.
public struct FineTuningEpoch: Codable, Sendable, Equatable {
    public var epoch: Int
    /// Mean training KL over the epoch's batches (nil for epoch 0, before training).
    public var trainingLoss: Double?
    /// Mean KL on the validation rows after the epoch (nil without validation rows).
    public var validationLoss: Double?
    /// Mean reward of the experts routed to on the validation rows (nil when not asked for).
    public var validationReward: Double?
    public var seconds: Double
}
