import ArgumentParser
import Foundation
import ZooterClient
import ZooterServiceKit
import ZooterWire

/// `zooter-trainer route`: asks a router where queries should go (a client for people and scripts).
struct RouteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "route", abstract: "Route queries with a running zooter-router and print the ranked experts.")

    @Option(help: "Router host:port.") var router: String
    @Option(name: .customLong("cost-weight"), help: "λ: trade probability against expert cost.") var costWeight = 0.0
    @Argument(help: "Queries to route.") var queries: [String]

    @OptionGroup(title: "Connecting to the service") var security: ClientSecurityOptions

    func validate() throws {
        _ = try security.configuration(for: [router])
    }

    func run() async throws {
        let responses = try await RouterClient.with(target: router, configuration: try security.configuration(for: [router])) { client in
            try await client.route(queries.map { RouteRequest(query: $0, costWeight: costWeight) })
        }
        for (query, response) in zip(queries, responses) {
            let ranking = response.ranked.prefix(3).map { "\($0.expert) \(String(format: "%.3f", $0.probability))" }.joined(separator: ", ")
            let preview = query.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            print("\(preview.prefix(72))\(preview.count > 72 ? "…" : "")\n  → \(response.chosen)\(response.fallbackUsed ? " (fallback)" : "")  [top 3: \(ranking)]  model \(response.modelVersion), \(response.totalMicros) µs")
        }
    }
}
