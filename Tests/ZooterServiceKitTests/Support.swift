import Foundation
import Logging
import ZooterRPC
import ZooterTestSupport

let quietLogger = Logger(label: "zooter.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs a real server on 127.0.0.1:0 around `body`, then shuts it down gracefully.
func withTestServer<T: Sendable>(
    _ methods: [RPCMethod], configuration: ServerConfiguration = ServerConfiguration(eventLoopThreads: 1),
    _ body: @Sendable (Int) async throws -> T
) async throws -> T {
    let server = GRPCServer(configuration: configuration, methods: methods, logger: quietLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.listeningPort()
        let result: Result<T, any Error>
        do { result = .success(try await body(port)) } catch { result = .failure(error) }
        server.beginGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}

/// The repository root (tests run from anywhere).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Runs a Python interop script to completion (awaited, not blocking a thread).
func runPython(_ script: String, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
    let run = try await ChildProcess.run("/usr/bin/env", ["python3", repositoryRoot.appendingPathComponent("Tests/Interop/\(script)").path] + arguments)
    return (run.status, run.output, run.standardError)
}
