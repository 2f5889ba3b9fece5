import ArgumentParser
import Logging
import ZooterGateway
import ZooterServiceKit

@main
struct GatewayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zooter-gateway",
        abstract: "Serves the OpenAI chat API over HTTP/1.1: routes each request with zooter-router, forwards it to the chosen expert and falls back along the ranking.")

    @OptionGroup var options: GatewayOptions

    func run() async throws {
        let (logger, observability) = ServiceRunner.bootstrap(options.observability, label: "zooter.gateway")
        let services = try GatewayApp.build(options: options, logger: logger)
        try await ServiceRunner.run(observability + services, logger: logger)
    }
}
