import Foundation
public import Logging
public import ServiceLifecycle
import NIOPosix
import ZooterCore
public import ZooterRPC
public import ZooterServiceKit

/// The zooter-tagger process: encoder, batcher, tagger service, health, gRPC server.
public struct TaggerApp: Sendable {
    public let server: GRPCServer
    public let tagger: TaggerService
    public let services: [any Service]

    public static func build(server options: ServerOptions, encoder encoderOptions: EncoderOptions,
                             tagger taggerOptions: TaggerOptions, logger: Logger) throws -> TaggerApp {
        let encoder = try TextEncoder(modelDirectory: encoderOptions.resolvedModelDirectory, threads: encoderOptions.threads)
        logger.info("encoder loaded", metadata: ["encoder": "\(encoder.identity)", "seconds": "\(encoder.loadSeconds)"])
        let taxonomy = try taggerOptions.taxonomy.map { try Taxonomy.load(URL(fileURLWithPath: $0)) } ?? Taxonomy.builtIn()
        let matcher = try TagMatcher(taxonomy: taxonomy, embed: encoder.embed, minZ: taggerOptions.minZ)
        let latent = try taggerOptions.centroids.map { path in
            try KMeans.load(from: URL(fileURLWithPath: path), dimension: encoder.dimension)
        }
        let batcher = ComputeBatcher<String, [Float]>(
            maxBatch: encoderOptions.maxBatch, maxWait: .microseconds(encoderOptions.maxWaitMicros),
            maxQueuedItems: encoderOptions.maxQueued, threadPool: .singleton
        ) { texts in
            let matrix = try encoder.embed(texts)
            return (0..<matrix.rows).map { Array(matrix.row($0)) }
        }
        let tagger = TaggerService(taxonomy: taxonomy, matcher: matcher, latent: latent, encoder: encoder, batcher: batcher)
        let health = HealthService(services: [TaggerService.serviceName])
        let server = GRPCServer(configuration: options.serverConfiguration, methods: health.methods + tagger.methods, logger: logger)
        return TaggerApp(server: server, tagger: tagger, services: [batcher, server])
    }
}
