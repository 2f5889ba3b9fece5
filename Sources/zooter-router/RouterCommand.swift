import ArgumentParser
import Logging
import ZooterRouter
import ZooterServiceKit

@main
struct RouterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zooter-router", abstract: "Serves zooter.v1.Router and grpc.health.v1.Health over gRPC (HTTP/2, TLS or h2c).")

    @OptionGroup var server: ServerOptions
    @OptionGroup var encoder: EncoderOptions
    @OptionGroup var router: RouterOptions

    func run() async throws {
        let (logger, observability) = ServiceRunner.bootstrap(server, label: "zooter.router")
        let app = try RouterApp.build(server: server, encoder: encoder, router: router, logger: logger)
        try await ServiceRunner.run(observability + app.services, logger: logger)
    }
}
