public import Foundation
import Glibc
import Synchronization

/// A program run as a child process whose output is collected as it arrives and whose exit is
/// awaited without blocking a cooperative thread.
///
/// Started with `posix_spawn` and reaped by our own `waitpid` on a plain thread, not through
/// Foundation's `Process`: with the suite running in parallel on two cores, `waitUntilExit()` and
/// `readDataToEndOfFile()` held cooperative threads, and Foundation's termination monitoring
/// (a run-loop thread reacting to SIGCHLD) sometimes never reported an exit, hanging the run.
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
        func append(_ chunk: [UInt8], toStandardError: Bool) {
            change { state in
                if chunk.isEmpty { state.openStreams -= 1 }
                else if toStandardError { state.standardError += String(decoding: chunk, as: UTF8.self) }
                else { state.output += String(decoding: chunk, as: UTF8.self) }
            }
        }
        func markExited(status: Int32) { change { $0.exitStatus = status } }

        var output: String { state.withLock { $0.output } }
        var standardError: String { state.withLock { $0.standardError } }
        var exitStatus: Int32? { state.withLock { $0.exitStatus } }

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

    /// Held while pipes are made and a child is spawned (see `makePipe`).
    private static let spawnLock = NSLock()

    public let pid: pid_t
    public let name: String
    private let record = Record()
    /// Our end of the child's standard input, when kept open (-1 otherwise).
    private let inputFD: Mutex<Int32>

    /// Starts `path` with `arguments`. Standard output and error are collected together in
    /// `output` unless `separateStandardError`; with `keepInputOpen` standard input is a pipe that
    /// stays open until `closeInput()` (a child can treat its closing as "stop"), else /dev/null.
    public init(path: URL, _ arguments: [String], name: String? = nil, currentDirectory: URL? = nil,
                environment: [String: String]? = nil, separateStandardError: Bool = false, keepInputOpen: Bool = false) throws {
        self.name = name ?? path.lastPathComponent
        // Every descriptor of ours is close-on-exec, so no other child (spawned concurrently by
        // another test) inherits a write end and keeps this child's output from reaching EOF.
        // (pipe2 is not visible from Swift's Glibc: pipe + FD_CLOEXEC under the spawn lock.)
        func makePipe() throws -> (read: Int32, write: Int32) {
            var fds: [Int32] = [0, 0]
            guard pipe(&fds) == 0 else { throw Failure("pipe: \(String(cString: strerror(errno)))") }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return (fds[0], fds[1])
        }
        Self.spawnLock.lock()
        defer { Self.spawnLock.unlock() }
        let out = try makePipe()
        let err = separateStandardError ? try makePipe() : nil
        let input = keepInputOpen ? try makePipe() : nil

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input { posix_spawn_file_actions_adddup2(&actions, input.read, 0) }
        else { posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0) }
        posix_spawn_file_actions_adddup2(&actions, out.write, 1)
        posix_spawn_file_actions_adddup2(&actions, err?.write ?? out.write, 2)
        // The child starts with default signal handling, whatever the test runner ignores or blocks.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        // A working folder through coreutils' `env --chdir` (posix_spawn's chdir action is a GNU
        // extension Swift's Glibc does not show).
        let command = currentDirectory.map { ["/usr/bin/env", "--chdir=\($0.path)", path.path] } ?? [path.path]
        let argv = (command + arguments).map { strdup($0) } + [nil]
        let environmentLines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer { for pointer in argv + envp { free(pointer) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, command[0], &actions, &attributes, argv, envp)
        // The child has its copies; ours of its ends go now (a failed spawn closes everything).
        for fd in [out.write, err?.write, input?.read].compactMap({ $0 }) { close(fd) }
        guard spawned == 0 else {
            for fd in [out.read, err?.read, input?.write].compactMap({ $0 }) { close(fd) }
            throw Failure("cannot start \(path.path): \(String(cString: strerror(spawned)))")
        }
        let spawnedPID = child
        pid = spawnedPID
        inputFD = Mutex(input?.write ?? -1)

        // One plain thread per pipe reads to end of file, and one waits for the exit: blocking
        // there costs no cooperative thread.
        let record = self.record
        func collect(_ fd: Int32, standardError: Bool) {
            record.opened()
            Thread {
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    record.append(count > 0 ? Array(buffer[..<count]) : [], toStandardError: standardError)
                    if count <= 0 { break }
                }
                close(fd)
            }.start()
        }
        collect(out.read, standardError: false)
        if let err { collect(err.read, standardError: true) }
        Thread {
            var status: Int32 = 0
            while waitpid(spawnedPID, &status, 0) < 0 && errno == EINTR {}
            // Exit code, or 128 + signal as a shell reports it.
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            record.markExited(status: code)
        }.start()
    }

    /// Standard output (and error, unless collected separately) so far.
    public var output: String { record.output }
    public var standardError: String { record.standardError }
    /// Whether the child has not been reaped yet.
    public var isRunning: Bool { record.exitStatus == nil }

    /// Waits for the first match of `pattern` (a regular expression) in the output and returns
    /// it; fails if the child ends first. Bounded by the calling suite's time limit.
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

    /// Waits for the child to exit and its output to be read to the end; its exit status
    /// (128 + N when signal N ended it).
    public func wait() async -> Int32 {
        await record.wait { _, finished in finished ? true : nil }
        return record.exitStatus ?? -1
    }

    public func closeInput() {
        inputFD.withLock { fd in
            if fd >= 0 { close(fd) }
            fd = -1
        }
    }

    public func kill(_ signal: Int32 = SIGKILL) {
        if isRunning { Glibc.kill(pid, signal) }
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
