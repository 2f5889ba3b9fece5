import ArgumentParser
import ZooterClient
import ZooterServiceKit
import ZooterWire

/// `zooter-trainer health`: a gRPC health probe for container health checks (exit 0 = SERVING).
struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health", abstract: "Checks a server through grpc.health.v1.Health/Check; exits 0 when SERVING.")

    @Option(help: "host:port of the server.")
    var target: String

    @Option(help: "Service to ask about (empty: the server as a whole).")
    var service = ""

    @Option(name: .customLong("timeout-ms"), help: "Deadline for the check.")
    var timeoutMilliseconds = 2000

    @OptionGroup(title: "Connecting to the service") var security: ClientSecurityOptions

    func validate() throws {
        _ = try security.configuration(for: [target])
    }

    func run() async throws {
        let outcome: Result<HealthCheckResponse.ServingStatus, any Error>
        do {
            outcome = .success(try await GRPCClient.withClient(target: target, configuration: try security.configuration(for: [target])) { client in
                try await HealthProbe.check(client, service: service, timeout: .milliseconds(timeoutMilliseconds))
            })
        } catch {
            outcome = .failure(error)
        }
        switch outcome {
        case .success(let status):
            print("\(target) \(service.isEmpty ? "(server)" : service): \(status)")
            if status != .serving { throw ExitCode(1) }
        case .failure(let error):
            print("\(target): \(error)")
            throw ExitCode(1)
        }
    }
}
