public import Logging
public import ZooterRPC
public import ZooterServiceKit


/// Builds the zooter-tagger server: its service plus health checks.
public enum TaggerApp {
    public static let serviceName = "zooter.v1.Tagger"

    public static func build(server: ServerOptions, tagger: TaggerOptions, logger: Logger) throws -> GRPCServer {
        let health = HealthService(services: [serviceName])
        let methods: [RPCMethod] = health.methods + [
            .notYetImplemented("/zooter.v1.Tagger/Tag"),
            .notYetImplemented("/zooter.v1.Tagger/Info"),
        ]
        return GRPCServer(configuration: server.serverConfiguration, methods: methods, logger: logger)
    }
}
