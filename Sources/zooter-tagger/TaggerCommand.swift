import ArgumentParser
import Logging
import ZooterServiceKit
import ZooterTagger

@main
struct TaggerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "zooter-tagger", abstract: "Serves zooter.v1.Tagger and grpc.health.v1.Health over gRPC (HTTP/2, TLS or h2c).")

    @OptionGroup var server: ServerOptions
    @OptionGroup var encoder: EncoderOptions
    @OptionGroup var tagger: TaggerOptions

    func run() async throws {
        let (logger, observability) = ServiceRunner.bootstrap(server, label: "zooter.tagger")
        let app = try TaggerApp.build(server: server, encoder: encoder, tagger: tagger, logger: logger)
        try await ServiceRunner.run(observability + app.services, logger: logger)
    }
}
