import ArgumentParser
import Foundation
import ZooterCore
import ZooterTrainer

/// `zooter-trainer train-reward`: fits the reward service's scorer on a judged dataset.
struct TrainRewardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-reward",
        abstract: "Fit the built-in reward model (Bradley–Terry on response statistics and embeddings) on a dataset with rewards and responses; report its held-out agreement with the judge next to \"the longer response wins\".")

    @Option(help: "Dataset folder with responses and rewards.") var dataset: String
    @Option(help: "Output folder (reward-model.safetensors + reward-report.json).") var out: String
    @Option(help: "Encoder folder.") var model = ModelFolder.defaultPath
    @Option(help: "Use only the first N queries.") var limit: Int?
    @Option(name: [.customLong("steps"), .customLong("epochs")], help: "Full-batch gradient steps per fit.") var steps = 600
    @Option(help: "Folds for the held-out agreement (queries are split; 0 skips it).") var folds = 5
    @Option(help: "Threads for encoding.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Embedding cache folder (shared with evaluate and train).") var cache = ".cache/embeddings"

    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps must be positive, got \(steps)") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        guard folds >= 0 else { throw ValidationError("--folds must be 0 (skip) or more, got \(folds)") }
    }

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
        let (embeddings, encoded) = try EmbeddingCache(directory: URL(fileURLWithPath: cache), encoderIdentity: encoder.identity.description)
            .embeddings(for: responses, encode: encoder.embed)
        FileHandle.standardError.write(Data("[train-reward] \(responses.count) responses: \(encoded) encoded, \(responses.count - encoded) from the cache\n".utf8))
        let statistics = zip(queries, responses).flatMap { ResponseStatistics.compute(query: $0, response: $1) }
        var configuration = RewardModelTrainer.Configuration()
        configuration.steps = steps
        configuration.folds = folds
        FileHandle.standardError.write(Data("[train-reward] fitting (Bradley–Terry, \(folds) folds then all queries, \(steps) steps each)\n".utf8))
        let result = try RewardModelTrainer.train(
            statistics: Matrix(rows: responses.count, columns: ResponseStatistics.names.count, values: statistics),
            embeddings: embeddings, lengths: responses.map(\.unicodeScalars.count), rewards: rewards.values,
            queries: data.count, experts: data.experts.count, configuration: configuration)
        let outURL = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true)
        try result.model.save(to: outURL.appendingPathComponent("reward-model.safetensors"))
        let report = RewardReport(result: result, folds: folds, encoder: encoder.identity.description)
        let json = JSONEncoder()
        json.outputFormatting = [.prettyPrinted, .sortedKeys]
        try json.encode(report).write(to: outURL.appendingPathComponent("reward-report.json"))
        print("reward model \(result.model.version.prefix(16)) → \(outURL.path)")
        if let held = result.heldOut {
            print(String(format: "held-out pairwise agreement with the judge (%d folds, %d pairs): %.3f; \"the longer response wins\": %.3f",
                         result.perFold.count, held.pairs, held.model, held.longerWins)
                  + (held.advantageCI95.map { String(format: "; difference 95%% CI [%+.3f, %+.3f]", $0[0], $0[1]) } ?? ""))
        } else {
            print("too few queries for \(folds)-fold held-out agreement; training agreement \(String(format: "%.3f", result.training.model))")
        }
    }
}

/// `reward-report.json`: what the fit measured, for people and scripts.
struct RewardReport: Encodable {
    struct Agreement: Encodable {
        var model: Double
        var longerResponseWins: Double
        var pairs: Int
        var advantageCI95: [Double]?
        init(_ a: RewardModelTrainer.Agreement) {
            (model, longerResponseWins, pairs, advantageCI95) = (a.model, a.longerWins, a.pairs, a.advantageCI95)
        }
        enum CodingKeys: String, CodingKey {
            case model, longerResponseWins = "longer_response_wins", pairs, advantageCI95 = "advantage_over_longer_ci95"
        }
    }
    var version: String
    var encoder: String
    var folds: Int
    var heldOut: Agreement?
    var perFold: [Agreement]
    var training: Agreement
    var statistics: [String]

    init(result: RewardModelTrainer.Result, folds: Int, encoder: String) {
        version = result.model.version
        self.encoder = encoder
        self.folds = folds
        heldOut = result.heldOut.map(Agreement.init)
        perFold = result.perFold.map(Agreement.init)
        training = Agreement(result.training)
        statistics = ResponseStatistics.names
    }
    enum CodingKeys: String, CodingKey {
        case version, encoder, folds, heldOut = "held_out_pairwise_agreement", perFold = "per_fold", training = "training_pairwise_agreement", statistics
    }
}
