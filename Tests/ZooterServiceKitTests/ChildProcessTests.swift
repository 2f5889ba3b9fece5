import Foundation
import Testing
import ZooterTestSupport

/// The test suite's own child-process helper: output arrives while the child runs, and its end
/// is awaited without holding a thread.
@Suite(.timeLimit(.minutes(1))) struct ChildProcessTests {
    @Test func aLineIsSeenWhileTheChildStillRuns() async throws {
        let child = try ChildProcess(path: URL(fileURLWithPath: "/bin/sh"), ["-c", "echo listening port=4321; exec sleep 30"])
        defer { child.kill() }
        #expect(try await child.port() == 4321)
    }

    @Test func runCollectsBothStreamsAndTheStatus() async throws {
        let run = try await ChildProcess.run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"])
        #expect(run.status == 3)
        #expect(run.output == "out\n")
        #expect(run.standardError == "err\n")
    }

    @Test func aSignalledChildReportsOneHundredTwentyEightPlusTheSignal() async throws {
        let child = try ChildProcess(path: URL(fileURLWithPath: "/bin/sh"), ["-c", "echo ready; exec sleep 30"])
        _ = try await child.line(matching: "ready")
        child.kill(SIGTERM)
        #expect(await child.wait() == 128 + SIGTERM)
        #expect(!child.isRunning)
    }

    @Test func aChildThatEndsBeforeTheLineIsAnError() async throws {
        let child = try ChildProcess(path: URL(fileURLWithPath: "/bin/sh"), ["-c", "echo nothing here"])
        await #expect(throws: ChildProcess.Failure.self) { try await child.port() }
    }
}
