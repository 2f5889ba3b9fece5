import Foundation
import Testing
import ZooterExchangeLog
import ZooterTestSupport

/// Drift on synthetic logs with a known change: an expert whose answers get worse is flagged,
/// one that stays the same is not, rewards of another scorer are never mixed in, and the
/// real `zooter-trainer drift` reads a real log file and exits 3.
@Suite struct DriftAnalysisTests {
    /// `count` exchanges of `expert` with rewards spread evenly around `mean` (deterministic).
    static func rows(_ expert: String, mean: Double, count: Int, time: Double, scorer: String = "bt@1", tags: String = "[]") -> [LoggedExchange] {
        (0..<count).map { index in
            LoggedExchange(time: time + Double(index) * 0.001, requestID: "r\(index)", tenant: "t", modelVersion: "v1", expert: expert,
                           probability: 0.5, probabilities: "{}", routed: true, fallback: false, query: "q", answer: "a",
                           reward: mean + 0.1 * sin(Double(index)), scorer: scorer, tags: tags)
        }
    }

    @Test func aDropIsFlaggedAndNoiseIsNot() {
        let baseline = Self.rows("a", mean: 0.5, count: 60, time: 0, tags: #"["math"]"#) + Self.rows("b", mean: 0.5, count: 60, time: 0)
        let current = Self.rows("a", mean: 0.4, count: 60, time: 100, tags: #"["math"]"#) + Self.rows("b", mean: 0.51, count: 60, time: 100)
            + Self.rows("a", mean: 5, count: 60, time: 100, scorer: "judge@2")
        let groups = DriftAnalysis(alpha: 0.01, minimumDrop: 0.05).compare(baseline: baseline, current: current)
        let flagged = Set(groups.filter(\.flagged).map { "\($0.kind):\($0.name):\($0.scorer)" })
        #expect(flagged == ["expert:a:bt@1", "tag:math:bt@1"], "\(groups)")
        let judge = groups.first { $0.scorer == "judge@2" }
        #expect(judge?.baselineCount == 0 && judge?.flagged == false, "another scorer's rewards are not compared")
        // Below the smallest drop worth flagging: not flagged, however significant.
        #expect(DriftAnalysis(alpha: 0.01, minimumDrop: 0.2).compare(baseline: baseline, current: current).allSatisfy { !$0.flagged })
        // Too few exchanges: not tested.
        #expect(DriftAnalysis(minimumCount: 100).compare(baseline: baseline, current: current).allSatisfy { !$0.flagged })
    }

    @Test func theTrainerCommandReadsALogAndExitsThreeOnDrift() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-drift-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("exchanges.sqlite").path
        let store = try ExchangeLogStore(path: path, mode: .write)
        let now = Date().timeIntervalSince1970
        try store.append(Self.rows("a", mean: 0.5, count: 50, time: now - 5000) + Self.rows("b", mean: 0.5, count: 50, time: now - 5000))
        try store.append(Self.rows("a", mean: 0.3, count: 50, time: now - 100) + Self.rows("b", mean: 0.5, count: 50, time: now - 100))
        #expect(try store.count() == 200)
        let trainer = Self.binDirectory.appendingPathComponent("zooter-trainer").path
        let drift = try await Self.run(trainer, ["drift", "--log", path, "--window-seconds", "3600", "--baseline-seconds", "7200"])
        #expect(drift.status == 3, "\(drift.output)")
        #expect(drift.output.contains("→ drift: expert a"), "\(drift.output)")
        let calm = try await Self.run(trainer, ["drift", "--log", path, "--window-seconds", "60", "--baseline-seconds", "7200"])
        #expect(calm.status == 0 && calm.output.contains("no significant drop"), "\(calm.output)")
        let missing = try await Self.run(trainer, ["drift", "--log", folder.appendingPathComponent("nope.sqlite").path])
        #expect(missing.status != 0 && missing.output.contains("no exchange log"), "\(missing.output)")
    }

    static let binDirectory: URL = {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("zooter-trainer").path) }
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/release")
    }()

    static func run(_ program: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let run = try await ChildProcess.run(program, arguments)
        return (run.status, run.output + run.standardError)
    }
}
