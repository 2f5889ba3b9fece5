import ArgumentParser
import Foundation
import ZooterCore

/// The fine-tuning recipe on the command line (`evaluate --finetune-layers N …`).
struct FineTuningOptions: ParsableArguments {
    @Option(name: .customLong("finetune-layers"),
            help: "Also fine-tune the encoder's top N layers with the routing loss and report it as zooterFineTuned (0 = off). The layers below are computed once per dataset.")
    var layers: Int = 0

    @Flag(name: .customLong("finetune"),
          help: "Fine-tune the whole encoder: every transformer layer (--finetune-layers with the model's layer count). About 5x the cost of one layer per epoch.")
    var wholeEncoder = false

    @Option(name: .customLong("finetune-epochs"), help: "Epochs of the fine-tuning schedule (early stopping keeps the best, possibly 0).")
    var epochs: Int = 2

    @Option(name: .customLong("finetune-lr"), help: "Encoder learning rate of fine-tuning.")
    var learningRate: Float = 1e-5

    @Option(name: .customLong("finetune-head-lr"), help: "Head learning rate of fine-tuning.")
    var headLearningRate: Float = 1e-4

    @Option(name: .customLong("finetune-batch"), help: "Sequences per fine-tuning step.")
    var batchSize: Int = 32

    @Option(name: .customLong("finetune-max-tokens"), help: "Fine-tuning truncates queries to this many tokens.")
    var maxTokens: Int = 128

    @Option(name: .customLong("finetune-beta"),
            help: "Tag-enhancement β of the labels fine-tuning trains on, in [0, 1] (default: the β the frozen router selected).")
    var labelBeta: Double?

    @Option(name: .customLong("finetune-head-hidden"),
            help: "Hidden units of the head trained with the encoder: 0 = linear (default), N = an MLP with one GELU layer of N units.")
    var headHiddenUnits: Int = 0

    var enabled: Bool { layers > 0 || wholeEncoder }

    /// The recipe's own checks (layer count against the model is checked when it is loaded).
    func validate() throws {
        guard layers >= 0 else { throw ValidationError("--finetune-layers must be ≥ 0") }
        guard !(wholeEncoder && layers > 0) else {
            throw ValidationError("--finetune trains every layer; give it or --finetune-layers N, not both")
        }
        guard enabled else { return }
        var recipe = configuration(threads: 1, layerCount: 1)
        recipe.layers = 1
        do { try recipe.validate(layerCount: 1) } catch { throw ValidationError("\(error)") }
    }

    /// The recipe for a model of `layerCount` transformer layers (what `--finetune` trains).
    func configuration(threads: Int, layerCount: Int) -> FineTuningConfiguration {
        var c = FineTuningConfiguration()
        c.layers = wholeEncoder ? layerCount : layers
        c.epochs = epochs
        c.encoderLearningRate = learningRate
        c.headLearningRate = headLearningRate
        c.batchSize = batchSize
        c.maxTokens = maxTokens
        c.labelBeta = labelBeta
        c.headHiddenUnits = headHiddenUnits
        c.threads = threads
        return c
    }

    /// The encoder, each query's hidden states below the trained layers, and the recipe; nil when off.
    func inputs(dataset: RoutingDataset, modelDirectory: String, threads: Int) throws -> FineTuningInputs? {
        guard enabled else { return nil }
        let directory = URL(fileURLWithPath: modelDirectory)
        let parameters = try EncoderParameters(modelDirectory: directory)
        // Folds run side by side, one per thread; each fine-tuning still gets every thread, so
        // the last fold (5 folds on 2 threads) does not leave a core idle.
        let recipe = configuration(threads: threads, layerCount: parameters.configuration.layerCount)
        let inputs = try FineTuningInputs.prepare(encoder: try TextEncoder(modelDirectory: directory, threads: threads),
                                                  parameters: parameters, queries: dataset.queries, configuration: recipe)
        FileHandle.standardError.write(Data(String(format: "fine-tuning: %d queries (%d tokens) through the %d frozen layers in %.1f s\n",
                                                   dataset.count, inputs.tokens,
                                                   inputs.parameters.configuration.layerCount - recipe.layers, inputs.seconds).utf8))
        return inputs
    }
}
