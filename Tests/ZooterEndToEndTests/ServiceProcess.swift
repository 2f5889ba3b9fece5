import Foundation
import Synchronization

/// A built Zooter executable run as a child process (the same binaries the demo and containers
/// run), with its stderr collected so the test can read the port it bound.
final class ServiceProcess: Sendable {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Tests and executables come from one `swift build`; the test bundle sits beside them.
    static let binDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["ZOOTER_BIN_DIR"] { return URL(fileURLWithPath: path) }
        let candidates = [Bundle.main.executableURL?.deletingLastPathComponent(), Bundle.main.bundleURL,
                          Bundle.main.bundleURL.deletingLastPathComponent()].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("zooter-router").path) }
            ?? root.appendingPathComponent(".build/release")
    }()

    /// Collected output, appended from the pipe's reader thread.
    final class Log: Sendable {
        private let text = Mutex("")
        func append(_ chunk: String) { text.withLock { $0 += chunk } }
        var value: String { text.withLock { $0 } }
    }

    let process: Process
    private let log = Log()
    let name: String

    convenience init(_ executable: String, _ arguments: [String], name: String? = nil) throws {
        try self.init(path: Self.binDirectory.appendingPathComponent(executable), arguments, name: name ?? executable)
    }

    /// Runs any program (e.g. `setpriv` in front of a staged binary).
    init(path: URL, _ arguments: [String], name: String) throws {
        self.name = name
        process = Process()
        process.executableURL = path
        process.arguments = arguments
        process.currentDirectoryURL = Self.root
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = pipe
        let log = self.log
        pipe.fileHandleForReading.readabilityHandler = { handle in
            log.append(String(decoding: handle.availableData, as: UTF8.self))
        }
        try process.run()
    }

    var output: String { log.value }

    /// Waits for the "listening … port=N" log line.
    func port(timeout: Duration = .seconds(120)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let range = output.range(of: #"port=(\d+)"#, options: .regularExpression) {
                return Int(output[range].dropFirst(5))!
            }
            guard process.isRunning else { throw ProcessFailure("\(name) exited: \(output)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ProcessFailure("\(name) did not report a port: \(output)")
    }

    /// Waits for the process to exit; returns its status.
    func wait(timeout: Duration = .seconds(600)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else {
                kill(SIGKILL)
                throw ProcessFailure("\(name) did not finish in time: \(output.suffix(2000))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        return process.terminationStatus
    }

    /// Runs a short-lived program to its end; its exit status and its output (stdout + stderr).
    @discardableResult
    static func runToEnd(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }
}

struct ProcessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
