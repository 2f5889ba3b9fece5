public import Logging
public import ZooterRPC
public import ZooterServiceKit


/// Builds the zooter-reward server: its service plus health checks.
public enum RewardApp {
    public static let serviceName = "zooter.v1.RewardScorer"

    public static func build(server: ServerOptions, reward: RewardOptions, logger: Logger) throws -> GRPCServer {
        let health = HealthService(services: [serviceName])
        let methods: [RPCMethod] = health.methods + [
            .notYetImplemented("/zooter.v1.RewardScorer/Score"),
            .notYetImplemented("/zooter.v1.RewardScorer/Info"),
        ]
        return GRPCServer(configuration: server.serverConfiguration, methods: methods, logger: logger)
    }
}
