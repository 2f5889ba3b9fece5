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
        let batcher = encoderOptions.batcher(EncodingJob.embed)
        let health = HealthService(services: [RouterService.serviceName])
        let admin = try routerOptions.adminPolicy()
        switch admin {
        case .token: logger.info("LoadModel needs the admin token")
        case .open: logger.warning("--allow-unauthenticated-admin: LoadModel is open to every caller; never do this on a shared network")
        case .closed: logger.notice("no admin token (--admin-token-file or ZOOTER_ADMIN_TOKEN): LoadModel is disabled")
        }
        let artifactRoot = try routerOptions.artifactRoot.map { path throws(RPCError) in try ArtifactRoot(path) }
        let router = RouterService(encoder: encoder, batcher: batcher, health: health, admin: admin,
                                   artifactRoot: artifactRoot, logger: logger)
        if let path = routerOptions.artifact {
            router.install(try RoutingModel.load(directory: URL(fileURLWithPath: path), encoder: encoder))
        } else if let artifactRoot {
            // The current artifact (else the newest) that validates; a broken or foreign one is
            // logged and skipped.
            for directory in artifactRoot.candidates(manifestFile: RoutingModel.manifestFile) {
                do {
                    router.install(try RoutingModel.load(directory: directory, encoder: encoder))
                    logger.info("loaded the current valid artifact under --artifact-root", metadata: ["artifact": "\(directory.path)"])
                    break
                } catch {
                    logger.warning("skipping an invalid artifact", metadata: ["artifact": "\(directory.path)", "error": "\(error)"])
                }
            }
        }
        let server = GRPCServer(configuration: options.serverConfiguration, methods: try ReflectionService.adding(to: health.methods + router.methods), logger: logger,
                                onDrain: { health.drain() })
        return RouterApp(server: server, router: router, services: [batcher, server])
    }
}
