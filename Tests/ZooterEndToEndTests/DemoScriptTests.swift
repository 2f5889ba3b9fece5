import Foundation
import Testing
import ZooterTestSupport

/// The README's first command, in its quick mode, on the data shipped in the repository: it
/// finishes, shows the comparison and the rescoring check, and leaves no process behind, also
/// when it is interrupted.
@Suite(.serialized, .timeLimit(.minutes(10))) struct DemoScriptTests {
    /// Every process still alive whose environment carries `mark` (the demo's children inherit it).
    static func processes(marked mark: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { pid in
            guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
            return environment.split(separator: 0).contains { $0.elementsEqual("ZOOTER_DEMO_MARK=\(mark)".utf8) }
        }
    }

    static func startDemo(out: URL, mark: String) throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["ZOOTER_DEMO_MARK"] = mark
        // ChildProcess starts it with default signal handling (a shell cannot trap a signal it
        // was started with ignored, and a test runner may ignore SIGINT; a terminal does not).
        return try ChildProcess(path: ServiceProcess.root.appendingPathComponent("scripts/demo"),
                                ["--quick", "--bin", ServiceProcess.binDirectory.path, "--out", out.path],
                                name: "scripts/demo", currentDirectory: ServiceProcess.root, environment: environment)
    }

    @Test func quickDemoRunsOnShippedDataAndLeavesNothingRunning() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let mark = UUID().uuidString
        let demo = try Self.startDemo(out: out, mark: mark)
        #expect(await demo.wait() == 0, "\(demo.output.suffix(3000))")
        #expect(demo.output.contains("zooter (this router)") && demo.output.contains("oracle (ceiling)"), "\(demo.output.suffix(2000))")
        #expect(demo.output.contains("nothing lost: every (query, expert) pair scored exactly once"))
        #expect(demo.output.components(separatedBy: "[top 3: ").count == 5, "four routed examples")
        #expect(demo.output.contains("x-zooter-expert: ") && demo.output.contains("answer: answer from "),
                "the gateway step routes and forwards: \(demo.output.suffix(2000))")
        #expect(Self.processes(marked: mark).isEmpty, "processes left running: \(Self.processes(marked: mark))")
    }

    @Test func anInterruptedDemoStopsEverythingItStarted() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let mark = UUID().uuidString
        let demo = try Self.startDemo(out: out, mark: mark)
        // Interrupt while the router runs and the trainer works: the most it ever has running.
        _ = try await demo.line(matching: "== 1\\. training")
        #expect(Self.processes(marked: mark).count >= 2, "the demo and its router")
        demo.kill(SIGINT)
        #expect(await demo.wait() == 130, "\(demo.output.suffix(2000))")
        #expect(Self.processes(marked: mark).isEmpty, "processes left running: \(Self.processes(marked: mark))")
    }
}
