public import Foundation
import Synchronization

/// A program run as a child process whose output is collected as it arrives and whose exit is
/// awaited without blocking a thread: the test suite runs in parallel on two cores, where one
/// `waitUntilExit()` or `readDataToEndOfFile()` holds half the cooperative pool for the whole
/// life of the child and starves every other test.
public final class ChildProcess: Sendable {
    /// What the child has said and whether it has ended; waiters are woken on every change.
    private final class Record: Sendable {
        private struct State {
            var output = ""
            var standardError = ""
            var openStreams = 0
            var exitStatus: Int32?
            var waiters: [CheckedContinuation<Void, Never>] = []
        }
        private let state = Mutex(State())

        func opened() { state.withLock { $0.openStreams += 1 } }
        func append(_ chunk: Data, toStandardError: Bool) {
            change { state in
                if chunk.isEmpty { state.openStreams -= 1 }
                else if toStandardError { state.standardError += String(decoding: chunk, as: UTF8.self) }
                else { state.output += String(decoding: chunk, as: UTF8.self) }
            }
        }
        func markExited(status: Int32) { change { $0.exitStatus = status } }

        var output: String { state.withLock { $0.output } }
        var exitStatus: Int32? { state.withLock { $0.exitStatus } }
        var standardError: String { state.withLock { $0.standardError } }

        private func change(_ body: (inout State) -> Void) {
            let waiters = state.withLock { state in
                body(&state)
                defer { state.waiters = [] }
                return state.waiters
            }
            for waiter in waiters { waiter.resume() }
        }

        /// Waits until `ready` gives a value for (output so far, finished: exited and all output read).
        @discardableResult
        func wait<T>(until ready: (String, Bool) -> T?) async -> T {
            while true {
                var result: T?
                await withCheckedContinuation { continuation in
                    let done = state.withLock { state in
                        result = ready(state.output, state.exitStatus != nil && state.openStreams == 0)
                        if result == nil { state.waiters.append(continuation) }
                        return result != nil
                    }
                    if done { continuation.resume() }
                }
                if let result { return result }
            }
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public let process: Process
    public let name: String
    private let record = Record()
    private let input: FileHandle?

    /// Starts `path` with `arguments`. Standard output and error are collected together in
    /// `output` unless `separateStandardError`; `standardInput` (if given) stays open until
    /// `closeInput()` so a child can treat its closing as "stop".
    public init(path: URL, _ arguments: [String], name: String? = nil, currentDirectory: URL? = nil,
                environment: [String: String]? = nil, separateStandardError: Bool = false, keepInputOpen: Bool = false) throws {
        self.name = name ?? path.lastPathComponent
        process = Process()
        process.executableURL = path
        process.arguments = arguments
        if let currentDirectory { process.currentDirectoryURL = currentDirectory }
        if let environment { process.environment = environment }
        let record = self.record
        // One plain thread per pipe reads to end of file: blocking there costs no cooperative
        // thread, and EOF (every writer gone) is seen exactly once.
        func collect(_ pipe: Pipe, standardError: Bool) {
            record.opened()
            let handle = pipe.fileHandleForReading
            let thread = Thread {
                while true {
                    let chunk = handle.availableData
                    record.append(chunk, toStandardError: standardError)
                    if chunk.isEmpty { break }
                }
            }
            thread.start()
        }
        let out = Pipe()
        process.standardOutput = out
        collect(out, standardError: false)
        if separateStandardError {
            let err = Pipe()
            process.standardError = err
            collect(err, standardError: true)
        } else {
            process.standardError = out
        }
        if keepInputOpen {
            let pipe = Pipe()
            process.standardInput = pipe
            input = pipe.fileHandleForWriting
        } else {
            process.standardInput = FileHandle.nullDevice
            input = nil
        }
        // The status is taken here: `waitUntilExit()` spins a run loop that, called off the main
        // thread under load, can wait forever for a child that has long exited.
        process.terminationHandler = { process in record.markExited(status: process.terminationStatus) }
        try process.run()
    }

    /// Standard output (and error, unless collected separately) so far.
    public var output: String { record.output }
    public var standardError: String { record.standardError }

    /// Waits for the first line of output matching `pattern` (a regular expression) and returns
    /// the match; fails if the child ends first. Bounded by the calling suite's time limit.
    public func line(matching pattern: String) async throws -> String {
        let found: String? = await record.wait { output, finished in
            if let range = output.range(of: pattern, options: .regularExpression) { return String(output[range]) }
            return finished ? "" : nil
        }
        guard let found, !found.isEmpty else { throw Failure("\(name) ended before printing /\(pattern)/: \(output.suffix(2000))") }
        return found
    }

    /// Waits for the "… port=N" line a service logs once it listens.
    public func port() async throws -> Int {
        Int(try await line(matching: #"port=\d+"#).dropFirst(5))!
    }

    /// Waits for the child to exit and its output to be read to the end; its exit status.
    public func wait() async -> Int32 {
        await record.wait { _, finished in finished ? true : nil }
        return record.exitStatus ?? -1
    }

    public func closeInput() { try? input?.close() }

    public func kill(_ signal: Int32 = SIGKILL) {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
    }

    /// Runs a program to its end: its exit status, standard output and standard error.
    public static func run(_ program: String, _ arguments: [String], currentDirectory: URL? = nil,
                           environment: [String: String]? = nil) async throws -> (status: Int32, output: String, standardError: String) {
        let child = try ChildProcess(path: URL(fileURLWithPath: program), arguments, currentDirectory: currentDirectory,
                                     environment: environment, separateStandardError: true)
        let status = await child.wait()
        return (status, child.output, child.standardError)
    }
}
