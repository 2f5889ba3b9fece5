import Foundation
import ZooterCore

extension TrainPipeline {
    /// Fine-tunes the encoder's top layers for the shipped router (`train --finetune-layers N`):
    /// the fitted router's labels, early stopping on an inner validation split. Returns the router
    /// with the fine-tuned head and the fine-tuned encoder's weights, or the router unchanged (and
    /// no weights) when no epoch raised the validation reward: the artifact then keeps the frozen
    /// encoder, and says so in the log.
    func fineTune(_ fitted: FittedRouter, dataset: RoutingDataset, rewards: RewardTable, embeddings: Matrix,
                  encoder: TextEncoder, recipe: FineTuningConfiguration,
                  configuration: EvaluationConfiguration) throws -> (FittedRouter, Data?) {
        let parameters = try EncoderParameters(modelDirectory: options.modelDirectory)
        log("fine-tuning the encoder's top \(recipe.layers) of \(parameters.configuration.layerCount) layers: "
            + "running the \(dataset.count) queries through the frozen layers once")
        let inputs = try FineTuningInputs.prepare(encoder: encoder, parameters: parameters, queries: dataset.queries,
                                                  configuration: recipe)
        log(String(format: "  %d tokens in %.1f s", inputs.tokens, inputs.seconds))
        let tuned = try RouterFitter.fineTune(fitted, embeddings: embeddings, rewards: rewards,
                                              tags: dataset.examples.map(\.tags), experts: dataset.experts,
                                              inputs: inputs, configuration: configuration, seed: options.seed)
        for epoch in tuned.history {
            let training = epoch.trainingLoss.map { String(format: ", training KL %.5f", $0) } ?? ""
            log(String(format: "  epoch %d: validation reward %.4f, validation KL %.5f%@ (%.1f s)", epoch.epoch,
                       epoch.validationReward ?? .nan, epoch.validationLoss ?? .nan, training, epoch.seconds))
        }
        guard tuned.bestEpoch > 0 else {
            log("  no epoch raised the validation reward: the artifact keeps the frozen encoder and head")
            return (fitted, nil)
        }
        var updated = fitted
        updated.weights = tuned.head
        updated.selection += " finetune-layers=\(recipe.layers)"
            + (recipe.headHiddenUnits > 0 ? " finetune-head=mlp-\(recipe.headHiddenUnits)" : "") + " epoch=\(tuned.bestEpoch)"
        var weights = parameters
        tuned.apply(to: &weights)
        log("  epoch \(tuned.bestEpoch) kept, refitted on all \(dataset.count) queries: the artifact brings its fine-tuned encoder")
        return (updated, FineTunedModelFolder.weights(weights))
    }
}
