import ArgumentParser
import Foundation
import ZooterExchangeLog

/// `zooter-trainer drift`: has an expert started answering worse? Reads the gateway's exchange
/// log and compares each expert's and tag's realized reward in the latest window against the
/// window before it (same log, same scorer). Exit status 0: no drift; 3: a drop was flagged (for
/// cron jobs and alerting); 1: the log could not be read.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "Compares realized reward per expert and tag in the exchange log's latest window with an earlier one; exits 3 on a significant drop.")

    @Option(help: "The gateway's exchange log (SQLite; exchange_log.path in its configuration).")
    var log: String

    @Option(name: .customLong("window-seconds"), help: "The latest window: exchanges logged in the last this many seconds.")
    var windowSeconds = 86_400

    @Option(help: "Start the latest window at this Unix time instead (e.g. when a provider announced a change); it runs to now.")
    var since: Double?

    @Option(name: .customLong("baseline-seconds"), help: "The baseline: this many seconds before the latest window.")
    var baselineSeconds = 604_800

    @Option(help: "Significance level, Bonferroni-corrected over the groups tested.")
    var alpha = 0.01

    @Option(name: .customLong("min-drop"), help: "Smallest drop in mean reward worth flagging (in the scorer's units).")
    var minDrop = 0.0

    @Option(name: .customLong("min-count"), help: "Exchanges each window needs for a group to be tested.")
    var minCount = 20

    @Option(help: "Also write the comparison as JSON to this file.")
    var json: String?

    func validate() throws {
        guard windowSeconds > 0, baselineSeconds > 0 else { throw ValidationError("--window-seconds and --baseline-seconds must be positive") }
        guard alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be in (0, 1)") }
        guard minDrop >= 0 else { throw ValidationError("--min-drop must be 0 or more") }
        guard minCount >= 2 else { throw ValidationError("--min-count must be at least 2") }
        if let since { guard since.isFinite, since <= Date().timeIntervalSince1970 else { throw ValidationError("--since must be a Unix time in the past") } }
    }

    func run() async throws {
        let now = Date()
        let windowStart = since.map { Date(timeIntervalSince1970: $0) } ?? now.addingTimeInterval(-Double(windowSeconds))
        let baselineStart = windowStart.addingTimeInterval(-Double(baselineSeconds))
        let store: ExchangeLogStore
        let baseline: [LoggedExchange], current: [LoggedExchange]
        do {
            store = try ExchangeLogStore(path: log, mode: .read)
            baseline = try store.exchanges(from: baselineStart, to: windowStart)
            current = try store.exchanges(from: windowStart, to: now.addingTimeInterval(1))
        } catch {
            throw ValidationError("cannot read the exchange log \(log): \(error)")
        }
        let groups = DriftAnalysis(alpha: alpha, minimumDrop: minDrop, minimumCount: minCount).compare(baseline: baseline, current: current)
        let unscored = (baseline + current).filter { $0.reward == nil }.count
        print("exchange log \(log): baseline \(baseline.count) exchanges, latest window \(current.count) (\(unscored) without a reward, skipped)")
        print(String(format: "  %-6@ %-32@ %8@ %9@ %8@ %9@ %9@ %10@", "group", "name", "n before", "mean", "n now", "mean", "change", "p (1-sided)"))
        for group in groups {
            print(String(format: "  %-6@ %-32@ %8d %9.4f %8d %9.4f %+9.4f %10.2g%@", group.kind, String(group.name.prefix(32)),
                         group.baselineCount, group.baselineMean, group.currentCount, group.currentMean, group.change, group.pValue,
                         group.flagged ? "  DROP" : ""))
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(groups).write(to: URL(fileURLWithPath: json))
        }
        let flagged = groups.filter(\.flagged)
        guard flagged.isEmpty else {
            print("→ drift: \(flagged.map { "\($0.kind) \($0.name) \(String(format: "%+.4f", $0.change))" }.joined(separator: ", ")) (significant at \(alpha), corrected)")
            throw ExitCode(3)
        }
        print("→ no significant drop")
    }
}
