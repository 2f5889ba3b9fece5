import Foundation
public import Logging
public import ServiceLifecycle
import NIOPosix
import ZooterCore
public import ZooterRPC
public import ZooterServiceKit
import ZooterWire

/// The zooter-reward process: encoder, reward model, batcher, service, health, gRPC server.
public struct RewardApp: Sendable {
    public static let modelFile = "reward-model.safetensors"
    public let server: GRPCServer
    public let reward: RewardService
    public let services: [any Service]

    public static func build(server options: ServerOptions, encoder encoderOptions: EncoderOptions,
                             reward rewardOptions: RewardOptions, logger: Logger) throws -> RewardApp {
        let replicaID = rewardOptions.replicaID ?? ProcessInfo.processInfo.hostName
        let health = HealthService(services: [RewardService.serviceName])
        let apiKey = rewardOptions.scorerAPIKeyEnvironment.flatMap { ProcessInfo.processInfo.environment[$0] }
        var remote: (any RemoteRewardScoring)?
        if let url = rewardOptions.scorerURL {
            remote = HTTPRewardScorer(url: url, apiKey: apiKey, version: rewardOptions.scorerVersion, timeout: .seconds(rewardOptions.scorerTimeoutSeconds))
        } else if let url = rewardOptions.judgeURL, let model = rewardOptions.judgeModel {
            remote = JudgeRewardScorer(baseURL: url, model: model, apiKey: apiKey, version: rewardOptions.scorerVersion,
                                       timeout: .seconds(rewardOptions.scorerTimeoutSeconds))
        }
        if let remote {
            // A remote scorer: no encoder, no compute pool; calls wait on the network.
            logger.info("reward scorer: remote", metadata: ["scorer": "\(remote.name)", "version": "\(remote.version)"])
            let reward = RewardService(remote: remote, cacheCapacity: rewardOptions.cacheEntries, replicaID: replicaID)
            let server = GRPCServer(configuration: options.serverConfiguration, methods: try ReflectionService.adding(to: health.methods + reward.methods),
                                    logger: logger, onDrain: { health.drain() })
            return RewardApp(server: server, reward: reward, services: [RemoteScorerLifetime(scorer: remote), server])
        }
        let encoder = try encoderOptions.loadEncoder(logger: logger)
        var modelURL = URL(fileURLWithPath: rewardOptions.scorer ?? "")
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: modelURL.path, isDirectory: &isDirectory), isDirectory.boolValue {
            modelURL.appendPathComponent(modelFile)
        }
        let model = try RewardModel.load(from: modelURL, dimension: encoder.dimension)
        guard model.dimension == encoder.dimension else {
            throw ServiceError.configuration("the reward model expects \(model.dimension)-d embeddings; the encoder gives \(encoder.dimension)")
        }
        let scorer = EmbeddingRewardScorer(encoder: encoder, model: model)
        logger.info("reward scorer loaded", metadata: ["scorer": "\(scorer.name)", "version": "\(scorer.version)"])
        let batcher: ComputeBatcher<ScorePair, Double> = encoderOptions.batcher { pairs in
            try scorer.score(pairs.map { (query: $0.query, response: $0.response) })
        }
        let reward = RewardService(scorer: scorer, batcher: batcher, cacheCapacity: rewardOptions.cacheEntries, replicaID: replicaID)
        let server = GRPCServer(configuration: options.serverConfiguration, methods: try ReflectionService.adding(to: health.methods + reward.methods), logger: logger,
                                onDrain: { health.drain() })
        return RewardApp(server: server, reward: reward, services: [batcher, server])
    }
}

/// Closes a remote scorer's connections once the server has drained.
struct RemoteScorerLifetime: Service {
    let scorer: any RemoteRewardScoring
    func run() async throws {
        try? await gracefulShutdown()
        await scorer.shutdown()
    }
}
