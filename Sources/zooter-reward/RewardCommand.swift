import ArgumentParser
import Logging
import ZooterServiceKit
import ZooterReward

@main
struct RewardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zooter-reward", abstract: "Serves zooter.v1.RewardScorer and grpc.health.v1.Health over gRPC (h2c).")

    @OptionGroup var server: ServerOptions
    @OptionGroup var encoder: EncoderOptions
    @OptionGroup var reward: RewardOptions

    func run() async throws {
        ServiceRunner.bootstrapLogging(level: server.logLevel)
        let logger = Logger(label: "zooter.reward")
        let app = try RewardApp.build(server: server, encoder: encoder, reward: reward, logger: logger)
        try await ServiceRunner.run(app.services, logger: logger)
    }
}
