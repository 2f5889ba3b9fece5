import ArgumentParser
import Foundation
import ZooterCore
import ZooterTrainer

/// `zooter-trainer train-reward`: fits the reward service's scorer on a judged dataset.
struct TrainRewardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-reward",
        abstract: "Fit the built-in reward model (Bradley–Terry on encoder features) on a dataset with rewards and responses.")

    @Option(help: "Dataset folder with responses and rewards.") var dataset: String
    @Option(help: "Output folder (reward-model.safetensors + reward-report.json).") var out: String
    @Option(help: "Encoder folder.") var model = ModelFolder.defaultPath
    @Option(help: "Use only the first N queries.") var limit: Int?
    @Option(help: "Training epochs.") var epochs = 12
    @Option(help: "Threads for encoding.") var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() async throws {
        var data = try RoutingDataset.load(directory: URL(fileURLWithPath: dataset))
        if let limit, limit < data.count { data.examples = Array(data.examples.prefix(limit)) }
        guard let rewards = data.rewardMatrix() else { throw TrainerError.input("\(dataset) has no rewards to learn from") }
        var queries: [String] = [], responses: [String] = []
        for example in data.examples {
            guard let given = example.responses else { throw TrainerError.input("example '\(example.id)' has no responses") }
            for expert in data.experts {
                guard let response = given[expert] else { throw TrainerError.input("example '\(example.id)' has no response from '\(expert)'") }
                queries.append(example.query)
                responses.append(response)
            }
        }
        let encoder = try TextEncoder(modelDirectory: URL(fileURLWithPath: model), threads: threads)
        FileHandle.standardError.write(Data("[train-reward] embedding \(queries.count) query/response pairs\n".utf8))
        let unique = Array(Set(queries))
        let uniqueEmbeddings = try encoder.embed(unique)
        let index = Dictionary(uniqueKeysWithValues: unique.enumerated().map { ($1, $0) })
        let q = Matrix(rows: queries.count, columns: encoder.dimension,
                       values: queries.flatMap { Array(uniqueEmbeddings.row(index[$0]!)) })
        let r = try encoder.embed(responses)
        var configuration = RewardModelTrainer.Configuration()
        configuration.epochs = epochs
        FileHandle.standardError.write(Data("[train-reward] fitting (Bradley–Terry, \(epochs) epochs)\n".utf8))
        let result = try RewardModelTrainer.train(features: RewardModel.features(queries: q, responses: r),
                                                  rewards: rewards.values, queries: data.count, experts: data.experts.count,
                                                  configuration: configuration)
        let outURL = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        try result.model.save(to: outURL.appendingPathComponent("reward-model.safetensors"))
        let summary: [String: String] = [
            "held_out_pairwise_agreement": String(format: "%.4f", result.heldOutAgreement),
            "training_pairwise_agreement": String(format: "%.4f", result.trainingAgreement),
            "held_out_pairs": String(result.heldOutPairs), "training_pairs": String(result.trainingPairs),
            "version": result.model.version, "encoder": encoder.identity.description,
        ]
        let json = JSONEncoder()
        json.outputFormatting = [.prettyPrinted, .sortedKeys]
        try json.encode(summary).write(to: outURL.appendingPathComponent("reward-report.json"))
        print("reward model \(result.model.version.prefix(16)) → \(outURL.path); held-out pairwise agreement with the judge \(String(format: "%.3f", result.heldOutAgreement)) over \(result.heldOutPairs) pairs")
    }
}
