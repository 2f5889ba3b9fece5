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

    @Option(help: "Tag-enhancement β values tried by ZOOTER's selection, comma-separated, each in [0, 1] (default: the built-in grid).")
    var betas: String?

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard seeds >= 1 else { throw ValidationError("--seeds must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard TagSource(argument: tags) != nil else {
            throw ValidationError("--tags must be source, tags, kmeans:K (K >= 2) or none")
        }
        if let betas { _ = try Self.parseBetas(betas) }
    }

    static func parseBetas(_ text: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0.map { (0...1).contains($0) } ?? false }) else {
            throw ValidationError("--betas must be comma-separated numbers in [0, 1], e.g. 1,0.5,0.1")
        }
        return values.compactMap { $0 }
    }

    func run() throws {
        let started = Date()
        let directory = URL(fileURLWithPath: dataset)
        let data = try RoutingDataset.load(directory: directory, keepResponses: false)
        let embedder = try loadEmbedder(modelDirectory: model, threads: threads)
        let store = EmbeddingCache(directory: URL(fileURLWithPath: cache), encoderIdentity: embedder.identity)
        let (embeddings, encoded) = try store.embeddings(for: data.queries, encode: embedder.embed)
        FileHandle.standardError.write(Data("embeddings: \(data.count) queries, \(encoded) encoded, \(data.count - encoded) from cache\n".utf8))

        var configuration = EvaluationConfiguration(folds: folds, seeds: (0..<UInt64(seeds)).map { $0 },
                                                    tagSource: TagSource(argument: tags) ?? .source, threads: threads)
        if innerFolds == 1 { configuration.innerSelection = .holdout(0.2) }
        if innerFolds >= 2 { configuration.innerSelection = .folds(innerFolds) }
        if let betas { configuration.grid.betas = try Self.parseBetas(betas) }
        let bar = ProgressBar()
        var report = try Evaluator.evaluate(dataset: data, embeddings: embeddings, configuration: configuration,
                                            datasetName: directory.lastPathComponent,
                                            encoderIdentity: embedder.identity, costSweep: costs,
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
