import Foundation
public import Logging
import NIOPosix
public import ServiceLifecycle
import ZooterCore
public import ZooterRPC
public import ZooterServiceKit

/// The zooter-router process: encoder, batcher, router service, health, gRPC server.
public struct RouterApp: Sendable {
    public let server: GRPCServer
    public let router: RouterService
    /// Everything to run, gRPC server last (it drains first on SIGTERM).
    public let services: [any Service]

    public static func build(server options: ServerOptions, encoder encoderOptions: EncoderOptions,
                             router routerOptions: RouterOptions, logger: Logger) throws -> RouterApp {
        let encoder = try encoderOptions.loadEncoder(logger: logger)
        let batcher = encoderOptions.embeddingBatcher(encoder)
        let health = HealthService(services: [RouterService.serviceName])
        let adminToken = try routerOptions.resolvedAdminToken()
        if adminToken == nil { logger.notice("no admin token: LoadModel is open to every caller") }
        let router = RouterService(encoder: encoder, batcher: batcher, health: health, adminToken: adminToken, logger: logger)
        if let path = routerOptions.artifact {
            router.install(try RoutingModel.load(directory: URL(fileURLWithPath: path), encoder: encoder.identity, dimension: encoder.dimension))
        }
        let server = GRPCServer(configuration: options.serverConfiguration, methods: health.methods + router.methods, logger: logger,
                                onDrain: { health.drain() })
        return RouterApp(server: server, router: router, services: [batcher, server])
    }
}
