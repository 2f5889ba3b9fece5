import ArgumentParser
import Logging
import ZooterServiceKit
import ZooterReward

@main
struct RewardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zooter-reward", abstract: "Serves zooter.v1.RewardScorer and grpc.health.v1.Health over gRPC (HTTP/2, TLS or h2c).")

    @OptionGroup var server: ServerOptions
    @OptionGroup var encoder: EncoderOptions
    @OptionGroup var reward: RewardOptions

    func run() async throws {
        let (logger, observability) = ServiceRunner.bootstrap(server, label: "zooter.reward")
        let app = try RewardApp.build(server: server, encoder: encoder, reward: reward, logger: logger)
        try await ServiceRunner.run(observability + app.services, logger: logger)
    }
}
