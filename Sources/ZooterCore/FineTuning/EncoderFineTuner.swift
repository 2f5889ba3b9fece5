import Foundation

/// Fine-tunes the top layers of the encoder together with the routing head (linear or MLP) under the routing loss
/// (the batch mean of KL(target ‖ softmax(head(embedding)))), as ZOOTER trains its router: AdamW
/// with separate learning rates for the encoder and the head, linear warm-up and decay, global
/// gradient-norm clipping, length-bucketed batches, and early stopping on validation rows.
///
/// The epoch kept is chosen on the validation rows by `validationReward` when given (the reward
/// of the experts the router would choose: what routing is judged on; a lower KL against soft
/// labels did not reliably mean better choices), else by the validation KL. Epoch 0, the
/// starting head on the frozen encoder, competes, and wins ties.
///
/// Deterministic for a given seed: batches come from a seeded generator and every kernel sums in
/// a fixed order, so the thread count does not change the result.
public enum EncoderFineTuner {
    /// - Parameters:
    ///   - parameters: the encoder (its top `configuration.layers` layers are trained).
    ///   - lower: per dataset row, the hidden states after the frozen layers, `[tokens][H]`
    ///     (`TextEncoder.hiddenStates(tokenIDs:layers:)` with `layerCount − configuration.layers`).
    ///   - targets: `[rows][experts]` label distributions; only `trainRows` and `validationRows` are read.
    ///   - head: the starting head (linear or MLP, trained on the frozen embeddings), also fixing the experts.
    ///   - epochs: given, exactly that many epochs of the schedule are run and kept, without early
    ///     stopping (`validationRows` may then be empty): the refit on all rows once the inner
    ///     split has chosen the epoch count.
    ///   - validationReward: given the validation rows' routing probabilities `[validationRows][experts]`,
    ///     the mean reward of the experts they choose (higher is better).
    public static func train(parameters: EncoderParameters, lower: [[Float]], targets: Matrix, trainRows: [Int],
                             validationRows: [Int], head: HeadWeights, configuration: FineTuningConfiguration,
                             epochs fixed: Int? = nil,
                             validationReward: ((Matrix) -> Double)? = nil) throws(CoreError) -> FineTunedEncoder {
        let c = parameters.configuration, h = c.hiddenSize
        try configuration.validate(layerCount: c.layerCount)
        func fail(_ message: String) -> CoreError { .evaluation(.invalidConfiguration("fine-tuning: \(message)")) }
        guard head.architecture.inputs == h, head.architecture.outputs == targets.columns else {
            throw fail("the head must map \(h) inputs to \(targets.columns) experts")
        }
        guard !trainRows.isEmpty, !validationRows.isEmpty || fixed != nil else { throw fail("needs training and validation rows") }
        if let fixed, !(1...configuration.epochs).contains(fixed) {
            throw fail("a fixed epoch count must be in 1...\(configuration.epochs), got \(fixed)")
        }
        guard (trainRows + validationRows).allSatisfy({ $0 >= 0 && $0 < lower.count && $0 < targets.rows
                                                        && !lower[$0].isEmpty && lower[$0].count % h == 0 }) else {
            throw fail("every row needs hidden states of [tokens][\(h)] and a target")
        }

        let first = c.layerCount - configuration.layers
        var model = FineTunedEncoder(
            configuration: configuration, bertConfiguration: c, firstTrainedLayer: first,
            layers: (first..<c.layerCount).map { LayerParameters(parameters, layer: $0) }, head: head,
            history: [], bestEpoch: 0)
        var optimizer = Optimizer(model: model)
        let experts = targets.columns
        /// The validation KL and, with `validationReward`, the validation reward.
        func validate(_ model: FineTunedEncoder) -> (loss: Double?, reward: Double?) {
            guard !validationRows.isEmpty else { return (nil, nil) }
            let router = RouterHead(weights: model.head)
            let embeddings = model.embeddings(lower: lower, rows: validationRows)
            var chosen = Matrix(rows: validationRows.count, columns: experts)
            for (i, row) in validationRows.enumerated() {
                for e in 0..<experts { chosen[i, e] = targets[row, e] }
            }
            return (LossKernels.meanKL(targets: chosen, logits: router.logits(embeddings)),
                    validationReward.map { $0(router.probabilities(embeddings)) })
        }
        /// Whether `epoch` beats `best` on the validation rows (reward when given, else KL).
        func improves(_ epoch: FineTuningEpoch, on best: FineTuningEpoch) -> Bool {
            if let reward = epoch.validationReward, let bestReward = best.validationReward { return reward > bestReward }
            if let loss = epoch.validationLoss, let bestLoss = best.validationLoss { return loss < bestLoss }
            return false
        }

        var clock = ContinuousClock.now
        func lap() -> Double {
            let now = ContinuousClock.now, elapsed = now - clock
            clock = now
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let start = validate(model)
        model.history.append(FineTuningEpoch(epoch: 0, trainingLoss: nil, validationLoss: start.loss,
                                             validationReward: start.reward, seconds: lap()))
        var best = model
        var generator = SeededGenerator(seed: configuration.seed, stream: 0xF1E7)
        let batchesPerEpoch = (trainRows.count + configuration.batchSize - 1) / configuration.batchSize
        let schedule = Schedule(steps: batchesPerEpoch * configuration.epochs, warmupFraction: configuration.warmupFraction)
        for epoch in 1...(fixed ?? configuration.epochs) {
            var lossSum = 0.0
            let batches = Self.batches(trainRows, lengths: lower.map { $0.count / h }, size: configuration.batchSize,
                                       generator: &generator)
            for batch in batches {
                lossSum += optimizer.step(&model, lower: lower, targets: targets, rows: batch,
                                          scale: schedule.factor(optimizer.steps)) * Double(batch.count)
            }
            let validation = validate(model)
            let record = FineTuningEpoch(epoch: epoch, trainingLoss: lossSum / Double(trainRows.count),
                                         validationLoss: validation.loss, validationReward: validation.reward, seconds: lap())
            model.history.append(record)
            if fixed != nil {
                model.bestEpoch = epoch
                best = model
            } else if improves(record, on: best.history[best.bestEpoch]) {
                let history = model.history
                best = model
                best.history = history
                best.bestEpoch = epoch
            } else {
                best.history = model.history
                break  // patience 1: the schedule is decaying, a worse epoch rarely turns around
            }
        }
        return best
    }

    /// A shuffled epoch in batches of similar lengths: the shuffled rows are cut into buckets of
    /// 16 batches, each bucket is sorted by length and cut into batches, and the batch order is
    /// shuffled.
    static func batches(_ rows: [Int], lengths: [Int], size: Int, generator: inout SeededGenerator) -> [[Int]] {
        let shuffled = rows.shuffled(using: &generator)
        var batches: [[Int]] = []
        for start in stride(from: 0, to: shuffled.count, by: 16 * size) {
            let bucket = shuffled[start..<min(shuffled.count, start + 16 * size)].sorted { lengths[$0] < lengths[$1] }
            for offset in stride(from: 0, to: bucket.count, by: size) {
                batches.append(Array(bucket[(bucket.startIndex + offset)..<min(bucket.endIndex, bucket.startIndex + offset + size)]))
            }
        }
        return batches.shuffled(using: &generator)
    }

    /// Linear warm-up to 1, then linear decay to 0 at the last step.
    struct Schedule {
        let steps: Int
        let warmup: Int

        init(steps: Int, warmupFraction: Float) {
            self.steps = max(1, steps)
            self.warmup = Int((Float(steps) * warmupFraction).rounded())
        }

        func factor(_ step: Int) -> Float {
            if step < warmup { return Float(step + 1) / Float(warmup + 1) }
            return max(0, Float(steps - step) / Float(max(1, steps - warmup)))
        }
    }
}
