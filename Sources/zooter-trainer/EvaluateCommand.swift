import ArgumentParser
import Foundation
import ZooterCore

/// `zooter-trainer evaluate`: cross-validated comparison of ZOOTER against peer routers.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Cross-validate ZOOTER and peer routers on a routing dataset.")

    @Option(help: "Dataset folder with routing.jsonl and models.json.")
    var dataset: String

    @Option(help: "Outer cross-validation folds.")
    var folds: Int = 5

    @Option(help: "Number of shuffling seeds (0..<N).")
    var seeds: Int = 10

    @Option(help: "Tag source for label enhancement and the per-tag peer: source | tags | kmeans:K | none.")
    var tags: String = "source"

    @Option(help: "Also write the report as a self-contained HTML page with charts to this file.")
    var html: String?

    @Flag(help: "Print the JSON report on stdout (default: markdown tables).")
    var json = false

    @Option(help: "Encoder model folder.")
    var model: String = "models/all-MiniLM-L6-v2"

    @Option(help: "Embedding cache folder.")
    var cache: String = ".cache/embeddings"

    @Option(help: "Worker threads.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Inner selection: 0 = automatic, 1 = one 20% holdout, K >= 2 = K inner folds.")
    var innerFolds: Int = 0

    @Flag(help: "Also sweep the cost weight λ (and thresholds) and report reward against cost per router (needs costs in the dataset).")
    var costs = false

    @Flag(help: "Also measure the gateway's hybrid top-k offline: the reward scorer, fitted on each training fold's judged responses, picks among ZOOTER's top k (k = 1…experts); needs every expert's response in the dataset.")
    var hybridTopK = false

    @Option(help: "Tag-enhancement β values tried by ZOOTER's selection, comma-separated, each in [0, 1] (default: the built-in grid).")
    var betas: String?

    @Option(help: "Label temperatures τ tried by ZOOTER's selection, comma-separated, each > 0 (default: the built-in grid).")
    var temperatures: String?

    @Option(help: "Reward transforms tried by ZOOTER's selection, comma-separated, of identity, standardize, logit (default: identity,standardize).")
    var transforms: String?

    @Option(help: "Heads tried by selection, comma-separated, of linear, mlp (default: linear).")
    var heads: String?

    @OptionGroup var fineTuning: FineTuningOptions

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard TagSource(argument: tags) != nil else {
            throw ValidationError("--tags must be source, tags, kmeans:K (K >= 2) or none")
        }
        _ = try selectionGrid()
        try fineTuning.validate()
    }

    /// The default selection grid with every list given on the command line replacing its own.
    func selectionGrid() throws -> SelectionGrid {
        var grid = SelectionGrid()
        if let betas { grid.betas = try Self.parseList(betas, option: "--betas", example: "1,0.5,0.1") { (0...1).contains($0) } }
        if let temperatures {
            grid.temperatures = try Self.parseList(temperatures, option: "--temperatures", example: "1,3") { $0 > 0 && $0.isFinite }
        }
        if let transforms { grid.transforms = try Self.parseNames(transforms, option: "--transforms", as: RewardTransform.self) }
        if let heads { grid.heads = try Self.parseNames(heads, option: "--heads", as: HeadKind.self) }
        return grid
    }

    /// A comma-separated list of an enumeration's raw values.
    static func parseNames<T: RawRepresentable & CaseIterable>(_ text: String, option: String, as: T.Type) throws -> [T] where T.RawValue == String {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { T(rawValue: $0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil }) else {
            throw ValidationError("\(option) must be a comma-separated list of " + T.allCases.map(\.rawValue).joined(separator: ", "))
        }
        return values.compactMap { $0 }
    }

    /// A comma-separated list of numbers, each accepted by `valid`.
    static func parseList(_ text: String, option: String, example: String, valid: (Double) -> Bool) throws -> [Double] {
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map(valid) ?? false }) else {
            throw ValidationError("\(option) must be comma-separated numbers, e.g. \(example)")
        }
        return values.compactMap { $0 }
    }

    func run() throws {
        let started = Date()
        let directory = URL(fileURLWithPath: dataset)
        let data = try RoutingDataset.load(directory: directory, keepResponses: hybridTopK)
        let embedder = try loadEmbedder(modelDirectory: model, threads: threads)
        let store = EmbeddingCache(directory: URL(fileURLWithPath: cache), encoderIdentity: embedder.identity)
        let (embeddings, encoded) = try store.embeddings(for: data.queries, encode: embedder.embed)
        FileHandle.standardError.write(Data("embeddings: \(data.count) queries, \(encoded) encoded, \(data.count - encoded) from cache\n".utf8))
        var responseEmbeddings: Matrix?
        if hybridTopK {
            guard let responses = HybridTopKInputs.responses(of: data) else {
                throw ValidationError("--hybrid-top-k needs every expert's response on every line of \(dataset)/routing.jsonl")
            }
            let (embedded, encodedResponses) = try store.embeddings(for: responses, encode: embedder.embed)
            FileHandle.standardError.write(Data("embeddings: \(responses.count) responses, \(encodedResponses) encoded, \(responses.count - encodedResponses) from cache\n".utf8))
            responseEmbeddings = embedded
        }

        var configuration = EvaluationConfiguration(folds: folds, seeds: (0..<UInt64(seeds)).map { $0 },
                                                    tagSource: TagSource(argument: tags) ?? .source, threads: threads)
        if innerFolds == 1 { configuration.innerSelection = .holdout(0.2) }
        if innerFolds >= 2 { configuration.innerSelection = .folds(innerFolds) }
        configuration.grid = try selectionGrid()
        let fineTuningInputs = try fineTuning.inputs(dataset: data, modelDirectory: model, threads: threads)
        let bar = ProgressBar()
        var report = try Evaluator.evaluate(dataset: data, embeddings: embeddings, configuration: configuration,
                                            datasetName: directory.lastPathComponent,
                                            encoderIdentity: embedder.identity, costSweep: costs,
                                            responseEmbeddings: responseEmbeddings, fineTuning: fineTuningInputs,
                                            progress: { done, total in bar.show("folds", done, total) })
        report.elapsedSeconds = Date().timeIntervalSince(started)
        FileHandle.standardError.write(Data(String(format: "\ndone in %.1f s\n", report.elapsedSeconds ?? 0).utf8))
        if let html {
            try Data(report.html().utf8).write(to: URL(fileURLWithPath: html), options: .atomic)
            FileHandle.standardError.write(Data("HTML report: \(html)\n".utf8))
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(report.markdownSummary())
        }
    }
}
