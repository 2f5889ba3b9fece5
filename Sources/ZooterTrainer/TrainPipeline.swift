public import Foundation
public import ZooterCore
import ZooterRPC
import ZooterServiceKit
import ZooterWire

/// `zooter-trainer train`: dataset → tags (tagger) → rewards (dataset or reward replicas) →
/// embeddings → hyper-parameters chosen on inner folds → k-fold evaluation → final head →
/// artifact on disk → pushed to the router.
public struct TrainPipeline {
    public let options: TrainOptions
    /// Progress lines for a person (stderr in the CLI).
    let log: (String) -> Void
    /// Progress of long steps: (step, done, total), e.g. ("score", 120, 720). The caller draws it.
    let progress: @Sendable (String, Int, Int) -> Void

    public init(options: TrainOptions, log: @escaping (String) -> Void,
                progress: @escaping @Sendable (String, Int, Int) -> Void = { _, _, _ in }) {
        self.options = options
        self.log = log
        self.progress = progress
    }

    public struct Outcome: Sendable {
        public var artifactDirectory: URL
        public var reportFile: URL
        public var modelVersion: String
        public var report: EvaluationReport
        public var pushed: Bool
    }

    public func run() async throws -> Outcome {
        var dataset: RoutingDataset
        do { dataset = try RoutingDataset.load(directory: options.dataset) } catch { throw TrainerError.core(error) }
        if let limit = options.limit { dataset = dataset.prefix(limit) }
        log("dataset: \(dataset.count) queries × \(dataset.experts.count) experts from \(options.dataset.path)")
        try FileManager.default.createDirectory(at: options.out, withIntermediateDirectories: true)

        let tags = try await tagsForExamples(dataset)
        let (rewards, rewardSource) = try await rewardsForExamples(dataset)
        dataset.examples = zip(dataset.examples, zip(tags, rewards)).map { example, extra in
            var example = example
            example.tags = extra.0
            example.rewards = extra.1
            return example
        }

        log("embedding \(dataset.count) queries")
        let encoder = try TextEncoder(modelDirectory: options.modelDirectory, threads: options.threads)
        let cache = EmbeddingCache(directory: options.cacheDirectory, encoderIdentity: encoder.identity.description)
        let embeddings = try cache.embeddings(for: dataset.queries, encode: encoder.embed).embeddings
        if options.latentClusters > 0 {
            let clusters = KMeans.fit(embeddings, rows: Array(0..<dataset.count), clusters: options.latentClusters, seed: options.seed)
            let url = options.out.appendingPathComponent("centroids.safetensors")
            try clusters.save(to: url)
            log("latent tags: \(options.latentClusters) k-means centroids written to \(url.path) (zooter-tagger --centroids)")
        }

        let configuration = EvaluationConfiguration(folds: options.folds, seeds: Array(0..<UInt64(options.seeds)),
                                                    tagSource: .datasetTags, threads: options.threads)
        log("evaluating: \(options.folds)-fold cross-validation × \(options.seeds) seeds, every method")
        let report: EvaluationReport
        do {
            report = try Evaluator.evaluate(dataset: dataset, embeddings: embeddings, configuration: configuration,
                                            datasetName: options.dataset.lastPathComponent,
                                            encoderIdentity: encoder.identity.description, observer: nil,
                                            progress: { [progress] done, total in progress("evaluate", done, total) })
        } catch {
            throw TrainerError.core(error)
        }
        log("fitting the router on all \(dataset.count) queries")
        guard let table = dataset.rewardMatrix() else { throw TrainerError.service("rewards are missing after scoring") }
        var fitted = RouterFitter.fit(embeddings: embeddings, rewards: table, tags: dataset.examples.map(\.tags),
                                      experts: dataset.experts, configuration: configuration, seed: options.seed)
        var fineTunedWeights: Data?
        if let recipe = options.fineTuning {
            (fitted, fineTunedWeights) = try fineTune(fitted, dataset: dataset, rewards: table, embeddings: embeddings,
                                                      encoder: encoder, recipe: recipe, configuration: configuration)
        }
        let artifact = try ArtifactBuilder(dataset: dataset, encoder: encoder,
                                           fitted: fitted, report: report, rewardSource: rewardSource,
                                           tagger: options.tagger == nil ? "dataset" : "zooter-taxonomy",
                                           fineTunedEncoderSHA256: fineTunedWeights.map { SHA256.hex($0) }).build()
        let version = artifact.manifest?.modelVersion ?? ""
        let directory = try ArtifactPublisher.publish(version: version, under: options.out) { folder in
            try ArtifactBuilder.write(artifact, report: report, to: folder)
            if let fineTunedWeights {
                try FineTunedModelFolder.write(weights: fineTunedWeights, base: options.modelDirectory,
                                               to: folder.appendingPathComponent(ArtifactBuilder.encoderFolder))
            }
        }
        let reportFile = directory.appendingPathComponent("report.json")
        log("artifact \(version) written to \(directory.path), now \(options.out.appendingPathComponent(ArtifactPublisher.currentLink).path) (\(fitted.selection))")

        var pushed = false
        if let router = options.router {
            // A fine-tuned encoder (~90 MB) is not sent inline: the router loads the published
            // folder by path, relative to its --artifact-root, which must be this --out folder.
            let source: LoadModelRequest.Source = fineTunedWeights == nil ? .artifact(artifact)
                : .artifactPath("\(ArtifactPublisher.versionsFolder)/\(version)")
            try await push(source, to: router)
            pushed = true
            log("pushed \(version) to the router at \(router)")
        }
        return Outcome(artifactDirectory: directory, reportFile: reportFile, modelVersion: version, report: report, pushed: pushed)
    }

    /// Tags from the tagger (which also passes the dataset's own source and tags through), or the
    /// dataset's own when no tagger is given.
    func tagsForExamples(_ dataset: RoutingDataset) async throws -> [[String]] {
        let own = dataset.examples.map { example in (example.source.map { [$0] } ?? []) + example.tags }
        guard let tagger = options.tagger else { return own }
        log("tagging \(dataset.count) queries with the tagger at \(tagger)")
        return try await GRPCClient.withClient(target: tagger, configuration: options.client) { client in
            var tags: [[String]] = []
            for start in stride(from: 0, to: dataset.count, by: 128) {
                let end = min(start + 128, dataset.count)
                let request = TagRequest(queries: (start..<end).map { TagQuery(query: dataset.examples[$0].query, givenTags: own[$0]) })
                let reply = try await client.unary(path: "/zooter.v1.Tagger/Tag", request: request.wireBytes(), timeout: .seconds(120))
                let response = try TagResponse(wireBytes: reply.message)
                guard response.results.count == end - start else { throw TrainerError.service("the tagger answered \(response.results.count) results for \(end - start) queries") }
                tags += response.results.map { $0.tags.map(\.name) }
                progress("tag", end, dataset.count)
            }
            return tags
        }
    }

    /// Rewards from the dataset, or (with --rescore) from the reward replicas through the journal.
    func rewardsForExamples(_ dataset: RoutingDataset) async throws -> (rewards: [[Double]], source: String) {
        guard options.rescore else {
            guard let table = dataset.rewardMatrix() else {
                throw TrainerError.input("the dataset has no rewards: pass --rescore --reward ADDR to score its responses")
            }
            return ((0..<dataset.count).map { row in (0..<dataset.experts.count).map { table[row, $0] } }, "dataset")
        }
        guard let reward = options.reward else { throw TrainerError.missingOption("--rescore needs --reward host:port[,host:port...]") }
        return try await GRPCClient.withClient(target: reward, configuration: options.client) { client in
            let info = try? RewardInfoResponse(wireBytes: try await client.unary(
                path: "/zooter.v1.RewardScorer/Info", request: RewardInfoRequest().wireBytes(), timeout: .seconds(10)).message)
            let journal = try openJournal(dataset: dataset.identity, scorer: "\(info?.scorer ?? "unknown")@\(info?.version ?? "unknown")")
            log("scoring \(dataset.count * dataset.experts.count) responses on \(client.addresses.count) reward replica(s); journal \(journal.url.path) has \(journal.scores.count)")
            let rewards = try await Rescorer(client: client).score(dataset, journal: journal) { done, total in
                progress("score", done, total)
            }
            return (rewards, "reward-service:\(info?.scorer ?? "unknown")@\(info?.version ?? "unknown")")
        }
    }

    /// The score journal of this output folder, valid only for one dataset and one scorer: when
    /// either changed since it was written, the old journal is moved aside, never reused.
    /// Keyed by the dataset's files, not its selection: raising `--limit` keeps the scores.
    func openJournal(dataset: DatasetIdentity?, scorer: String) throws -> RewardJournal {
        let url = options.out.appendingPathComponent("scores.journal")
        let metaURL = options.out.appendingPathComponent("scores.journal.meta")
        let identity = "dataset-sha256=\(dataset?.filesSHA256 ?? "unknown") scorer=\(scorer)\n"
        let previous = try? String(contentsOf: metaURL, encoding: .utf8)
        if let previous, previous != identity, FileManager.default.fileExists(atPath: url.path) {
            let aside = options.out.appendingPathComponent("scores.journal.stale-\(Int(Date().timeIntervalSince1970))")
            try FileManager.default.moveItem(at: url, to: aside)
            log("the score journal was written for another dataset or scorer; moved it to \(aside.lastPathComponent)")
        }
        try Data(identity.utf8).write(to: metaURL, options: .atomic)
        return try RewardJournal(url: url)
    }

    /// Loads the artifact on every router replica the target names (a list, or every address a
    /// host name resolves to): round-robin would update only one of them.
    func push(_ source: LoadModelRequest.Source, to router: String) async throws {
        let addresses = try GRPCClient.addresses(for: router)
        var metadata = Metadata()
        if let token = options.adminToken { metadata.add("authorization", token.authorizationHeader) }
        for address in addresses {
            let outcome: Result<LoadModelResponse, any Error>
            do {
                outcome = .success(try await GRPCClient.withClient(target: address, configuration: options.client) { client in
                    let reply = try await client.unary(path: "/zooter.v1.Router/LoadModel",
                                                       request: LoadModelRequest(source: source).wireBytes(),
                                                       metadata: metadata, timeout: .seconds(60))
                    return try LoadModelResponse(wireBytes: reply.message)
                })
            } catch {
                outcome = .failure(error)
            }
            switch outcome {
            case .success(let response):
                log("router \(address) now serves \(response.modelVersion) (was \(response.previousModelVersion.isEmpty ? "empty" : response.previousModelVersion))")
            case .failure(let error as RPCError) where error.code == .unavailable:
                throw TrainerError.service("cannot reach the router at \(address): \(error.message)", cause: error)
            case .failure(let error):
                throw TrainerError.service("the router at \(address) rejected the artifact: \(error)", cause: error as? RPCError)
            }
        }
    }
}
