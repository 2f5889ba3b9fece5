// The real service set a fuzzed connection talks to, built once per process: health, router
// (with a model installed, LoadModel open to a known admin token, an artifact root on disk),
// tagger (built-in taxonomy, latent centroids) and reward scorer. Per-call state (health, the
// installed model, the score cache) is rebuilt per input so that runs do not depend on each other.
import Foundation
import Logging
import ZooterCore
import ZooterReward
import ZooterRouter
import ZooterRPC
import ZooterServiceKit
import ZooterTagger
import ZooterWire

let quietLogger = Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() })
/// The admin token LoadModel accepts (seeds send `authorization: Bearer <it>`).
let adminToken = "fuzz-admin-token-0123456789"

/// The model folder: $ZOOTER_MODEL_DIR, else models/all-MiniLM-L6-v2 of this checkout.
let modelFolder = ProcessInfo.processInfo.environment["ZOOTER_MODEL_DIR"].map { URL(fileURLWithPath: $0) }
    ?? packageRoot.deletingLastPathComponent().appendingPathComponent("models/all-MiniLM-L6-v2")
/// Fuzz/ of this checkout.
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

final class Services {
    let encoder: TextEncoder
    let embed: @Sendable ([String]) throws -> Matrix
    let embeddings: ComputeBatcher<String, [Float]>
    let tagger: TaggerService
    let scorer: FuzzRewardScorer
    let scores: ComputeBatcher<ScorePair, Double>
    let model: RoutingModel
    let artifactRoot: ArtifactRoot

    init() throws {
        // Loading the real encoder is feasible (a few seconds, once): the services need its
        // identity and width, and LoadModel checks artifacts against its sha256.
        let encoder = try TextEncoder(modelDirectory: modelFolder, threads: 1)
        self.encoder = encoder
        // Encoder passes cost milliseconds and only multiply matrices of in-range token ids, so by
        // default calls get a stand-in embedding built from the real tokenizer's ids (the part
        // that reads attacker text). ZOOTER_FUZZ_REAL_ENCODER=1 runs the real encoder instead.
        let dimension = encoder.dimension
        if ProcessInfo.processInfo.environment["ZOOTER_FUZZ_REAL_ENCODER"] == "1" {
            embed = { try encoder.embed($0) }
        } else {
            embed = { texts in
                var matrix = Matrix(rows: texts.count, columns: dimension)
                for (row, text) in texts.enumerated() {
                    for (position, id) in encoder.tokenize(text).enumerated() {
                        matrix[row, (Int(id) * 31 + position) % dimension] += 1
                    }
                    let norm = matrix.row(row).reduce(0) { $0 + $1 * $1 }.squareRoot()
                    for column in 0..<dimension { matrix[row, column] /= max(norm, 1e-6) }
                }
                return matrix
            }
        }
        let embed = self.embed
        embeddings = ComputeBatcher(maxBatch: 64, maxWait: .zero, maxQueuedItems: 4096, threadPool: .singleton) { texts in
            let matrix = try embed(texts)
            return (0..<matrix.rows).map { Array(matrix.row($0)) }
        }
        let taxonomy = try Taxonomy.builtIn()
        let latent = KMeans(centroids: try embed(["fix my python code", "solve this integral", "write a poem", "plan a trip"]))
        tagger = TaggerService(taxonomy: taxonomy, matcher: try TagMatcher(taxonomy: taxonomy, embed: embed),
                               latent: latent, encoder: encoder, batcher: embeddings)
        scorer = FuzzRewardScorer(embed: embed, model: try RewardModel(
            statisticsWeights: ResponseStatistics.names.indices.map { Float($0 % 3 - 1) / 10 },
            embeddingWeights: (0..<dimension).map { Float(($0 * 7919) % 201 - 100) / 1000 }))
        let scorer = self.scorer
        scores = ComputeBatcher(maxBatch: 64, maxWait: .zero, maxQueuedItems: 4096, threadPool: .singleton) { pairs in
            try scorer.score(pairs.map { (query: $0.query, response: $0.response) })
        }
        // A valid router artifact, installed in every run and also written under the artifact
        // root so that LoadModel's artifact_path can find it ("model-a").
        let artifact = Self.artifact(encoder: encoder.identity, dimension: dimension)
        model = try RoutingModel.validated(artifact, encoder: encoder.identity, dimension: dimension)
        let root = packageRoot.appendingPathComponent(".build/fuzz-artifacts")
        let directory = root.appendingPathComponent("model-a")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(artifact.manifest!.wireBytes()).write(to: directory.appendingPathComponent(RoutingModel.manifestFile), options: .atomic)
        try Data(artifact.headSafetensors).write(to: directory.appendingPathComponent(RoutingModel.headFile), options: .atomic)
        artifactRoot = try ArtifactRoot(root.path)
        // The batchers gather work for the whole process; they wait on an empty queue in between.
        Task.detached { [embeddings] in try? await embeddings.run() }
        Task.detached { [scores] in try? await scores.run() }
    }

    /// Deterministic small weights (the values do not matter, only that they are finite).
    static func weights(_ architecture: HeadArchitecture, experts: [String]) -> HeadWeights {
        HeadWeights(architecture: architecture,
                    parameters: (0..<architecture.parameterCount).map { Float(($0 * 7919) % 201 - 100) / 1000 },
                    experts: experts)
    }

    static func artifact(encoder: EncoderIdentity, dimension: Int) -> ModelArtifact {
        let head = weights(HeadArchitecture(kind: .linear, inputs: dimension, outputs: 3), experts: ["alpha", "beta", "gamma"])
            .safetensorsData()
        let manifest = ModelManifest(
            formatVersion: 1, modelVersion: "fuzz-model-1",
            experts: [Expert(name: "alpha", cost: 1, endpoint: "https://alpha.example/v1"), Expert(name: "beta", cost: 0.5),
                      Expert(name: "gamma", cost: 2)],
            encoder: encoder.name, encoderSHA256: encoder.weightsSHA256, headKind: .linear,
            embeddingDimension: UInt32(dimension), confidenceThreshold: 0.4, fallbackExpert: "beta",
            headSHA256: SHA256.hex(head))
        return ModelArtifact(manifest: manifest, headSafetensors: Array(head))
    }

    /// The methods of one server process, with fresh per-call state; `health` for draining.
    func methods() throws -> (methods: [RPCMethod], health: HealthService) {
        let health = HealthService(services: [RouterService.serviceName, TaggerService.serviceName, RewardService.serviceName])
        let router = RouterService(encoder: encoder, batcher: embeddings, health: health,
                                   admin: .token(try AdminToken(adminToken)), artifactRoot: artifactRoot, logger: quietLogger)
        router.install(model)
        let reward = RewardService(scorer: scorer, batcher: scores, cacheCapacity: 16, replicaID: "fuzz")
        return (health.methods + router.methods + tagger.methods + reward.methods, health)
    }
}

/// EmbeddingRewardScorer with the harness's embedding (real or stand-in, see `Services.init`).
struct FuzzRewardScorer: RewardScoring {
    let embed: @Sendable ([String]) throws -> Matrix
    let model: RewardModel
    var name: String { "zooter-bt-linear" }
    var version: String { String(model.version.prefix(16)) }

    func score(_ pairs: [(query: String, response: String)]) throws -> [Double] {
        model.score(pairs, responseEmbeddings: try embed(pairs.map(\.response)))
    }
}
