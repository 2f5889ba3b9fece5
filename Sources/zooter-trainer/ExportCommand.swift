import ArgumentParser
import Foundation
import ZooterExchangeLog

/// `zooter-trainer export`: the gateway's exchange log as a routing dataset that `train` and
/// `evaluate` read: one line per scored exchange with the reward of the expert that answered and
/// the probability the router gave it (docs/datasets.md, "Logged traffic").
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Writes the exchange log's scored exchanges as a routing dataset (partial rewards with propensities).")

    @Option(help: "The gateway's exchange log (SQLite).")
    var log: String

    @Option(help: "Dataset folder to write (models.json, routing.jsonl); must not exist yet.")
    var out: String

    @Option(name: .customLong("since-seconds"), help: "Only exchanges logged in the last this many seconds (default: all).")
    var sinceSeconds: Int?

    func validate() throws {
        if let sinceSeconds, sinceSeconds <= 0 { throw ValidationError("--since-seconds must be positive") }
        guard !FileManager.default.fileExists(atPath: out) else { throw ValidationError("--out \(out) exists; give a new folder") }
    }

    func run() async throws {
        let rows: [LoggedExchange]
        do {
            let store = try ExchangeLogStore(path: log, mode: .read)
            rows = try store.exchanges(from: sinceSeconds.map { Date().addingTimeInterval(-Double($0)) } ?? .distantPast)
        } catch {
            throw ValidationError("cannot read the exchange log \(log): \(error)")
        }
        var experts: [String] = []
        var seen = Set<String>()
        func note(_ name: String) { if seen.insert(name).inserted { experts.append(name) } }
        var lines: [String] = []
        var withoutReward = 0, withoutText = 0, scorers = Set<String>()
        for row in rows {
            guard let reward = row.reward, reward.isFinite else { withoutReward += 1; continue }
            guard let query = row.query, !query.allSatisfy(\.isWhitespace) else { withoutText += 1; continue }
            let probabilities = (try? JSONSerialization.jsonObject(with: Data(row.probabilities.utf8)) as? [String: Double]) ?? [:]
            probabilities.keys.sorted().forEach(note)
            note(row.expert)
            // Pass-through requests were the client's choice: propensity 1.
            let propensity = row.routed ? max(row.probability ?? 0, 1e-6) : 1
            let line: [String: Any] = [
                "id": "log-\(row.id ?? 0)", "query": query, "source": NSNull(),
                "tags": (try? JSONSerialization.jsonObject(with: Data(row.tags.utf8)) as? [String]) ?? [],
                "rewards": [row.expert: reward], "propensities": [row.expert: min(1, propensity)],
            ]
            let data = try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys, .withoutEscapingSlashes])
            lines.append(String(decoding: data, as: UTF8.self))
            if let scorer = row.scorer { scorers.insert(scorer) }
        }
        guard !lines.isEmpty else {
            throw ValidationError("\(log) has no exchange with a reward and a stored text (\(rows.count) exchanges: \(withoutReward) without a reward, \(withoutText) without text — store_text off?)")
        }
        if scorers.count > 1 {
            print("warning: the rewards come from \(scorers.count) scorers (\(scorers.sorted().joined(separator: ", "))): their scales may differ")
        }
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: experts, options: [.prettyPrinted]).write(to: folder.appendingPathComponent("models.json"))
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("routing.jsonl"))
        print("exported \(lines.count) of \(rows.count) exchanges to \(out) (\(experts.count) experts; skipped \(withoutReward) without a reward, \(withoutText) without text)")
    }
}
