public import Logging
public import ZooterRPC
public import ZooterServiceKit


/// Builds the zooter-router server: its service plus health checks.
public enum RouterApp {
    public static let serviceName = "zooter.v1.Router"

    public static func build(server: ServerOptions, router: RouterOptions, logger: Logger) throws -> GRPCServer {
        let health = HealthService(services: [serviceName])
        let methods: [RPCMethod] = health.methods + [
            .notYetImplemented("/zooter.v1.Router/Route"),
            .notYetImplemented("/zooter.v1.Router/RouteBatch"),
            .notYetImplemented("/zooter.v1.Router/LoadModel"),
            .notYetImplemented("/zooter.v1.Router/ModelInfo"),
        ]
        return GRPCServer(configuration: server.serverConfiguration, methods: methods, logger: logger)
    }
}
