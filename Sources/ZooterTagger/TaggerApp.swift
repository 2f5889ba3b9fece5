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
        let encoder = try encoderOptions.loadEncoder(logger: logger)
        let taxonomy = try taggerOptions.taxonomy.map { try Taxonomy.load(URL(fileURLWithPath: $0)) } ?? Taxonomy.builtIn()
        let matcher = try TagMatcher(taxonomy: taxonomy, embed: encoder.embed, minZ: taggerOptions.minZ)
        let latent = try taggerOptions.centroids.map { path in
            try KMeans.load(from: URL(fileURLWithPath: path), dimension: encoder.dimension)
        }
        let batcher = encoderOptions.embeddingBatcher(encoder)
        let tagger = TaggerService(taxonomy: taxonomy, matcher: matcher, latent: latent, encoder: encoder, batcher: batcher)
        let health = HealthService(services: [TaggerService.serviceName])
        let server = GRPCServer(configuration: options.serverConfiguration, methods: try ReflectionService.adding(to: health.methods + tagger.methods), logger: logger,
                                onDrain: { health.drain() })
        return TaggerApp(server: server, tagger: tagger, services: [batcher, server])
    }
}
