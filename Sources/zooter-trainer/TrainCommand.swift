import ArgumentParser
import ZooterServiceKit
import Foundation
import ZooterCore
import ZooterTrainer

/// `zooter-trainer train`: the whole offline job, ending with the artifact pushed to the router.
struct TrainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Tag, (re)score, embed, select, evaluate and train a router; write the artifact and push it.")

    @Option(help: "Dataset folder (routing.jsonl + models.json).") var dataset: String
    @Option(help: "Where the artifact, report and score journal go.") var out: String
    @Option(help: "Tagger host:port (default: use the dataset's source/tags).") var tagger: String?
    @Option(help: "Reward replicas, host:port[,host:port...] or a name resolving to all of them.") var reward: String?
    @Option(help: "Router host:port to push the artifact to.") var router: String?
    @Flag(help: "Score every response on the reward replicas instead of using the dataset's rewards.") var rescore = false
    @Option(help: "Use only the first N queries (demos, tests).") var limit: Int?
    @Option(help: "Encoder folder.") var model = ModelFolder.defaultPath
    @Option(help: "Threads for encoding and training.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Cross-validation folds.") var folds = 5
    @Option(help: "Cross-validation repeats (seeds).") var seeds = 3
    @Option(help: "Embedding cache folder.") var cache = ".cache/embeddings"
    @Option(name: .customLong("latent-clusters"), help: "Also fit K k-means centroids for the tagger's latent tags (0 = none).") var latentClusters = 0
    @Option(name: .customLong("admin-token-file"), help: "Read the router's admin token from this file (or set ZOOTER_ADMIN_TOKEN).") var adminTokenFile: String?

    @OptionGroup(title: "Connecting to the services") var security: ClientSecurityOptions
    @OptionGroup(title: "Fine-tuning the encoder") var fineTuning: FineTuningOptions

    func validate() throws {
        _ = try security.configuration(for: [tagger, reward, router])
        if let limit, limit < folds { throw ValidationError("--limit must be at least --folds (\(folds))") }
        if rescore && reward == nil { throw ValidationError("--rescore needs --reward host:port[,host:port...]") }
        guard folds >= 2, seeds >= 1 else { throw ValidationError("--folds must be ≥ 2 and --seeds ≥ 1") }
        try fineTuning.validate()
    }

    func run() async throws {
        var options = TrainOptions(dataset: URL(fileURLWithPath: dataset), out: URL(fileURLWithPath: out),
                                   modelDirectory: URL(fileURLWithPath: model), threads: threads,
                                   cacheDirectory: URL(fileURLWithPath: cache))
        options.tagger = tagger
        options.reward = reward
        options.router = router
        options.rescore = rescore
        options.limit = limit
        options.folds = folds
        options.seeds = seeds
        options.latentClusters = latentClusters
        if fineTuning.enabled {
            let layerCount = try BertConfiguration(modelDirectory: URL(fileURLWithPath: model)).layerCount
            options.fineTuning = fineTuning.configuration(threads: threads, layerCount: layerCount)
        }
        options.adminToken = try AdminToken.resolve(file: adminTokenFile)
        options.client = try security.configuration(for: [tagger, reward, router])
        let bar = ProgressBar()
        let outcome = try await TrainPipeline(options: options, log: { line in
            FileHandle.standardError.write(Data("[train] \(line)\n".utf8))
        }, progress: { step, done, total in bar.show(step, done, total) }).run()
        print("""
            model \(outcome.modelVersion)\(outcome.pushed ? " (pushed to \(router ?? ""))" : "")
            artifact \(outcome.artifactDirectory.path)
            report   \(outcome.reportFile.path) (open report.html beside it for the charts)
            \(outcome.report.headline())
            """)
    }
}
