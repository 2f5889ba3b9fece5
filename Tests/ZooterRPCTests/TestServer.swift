import Logging
import Synchronization
import ZooterRPC
import ZooterTestSupport

/// Quiet logger for tests (libraries take a logger; tests decide it is silent).
let quietLogger = Logger(label: "zooter.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs a real server on 127.0.0.1:0 around `body`, then shuts it down gracefully.
@discardableResult
func withTestServer<T: Sendable>(
    _ methods: [RPCMethod], configuration: ServerConfiguration = ServerConfiguration(eventLoopThreads: 1),
    _ body: @Sendable (GRPCServer, Int) async throws -> T
) async throws -> T {
    let server = GRPCServer(configuration: configuration, methods: methods, logger: quietLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let port = try await server.listeningPort()
        let result: Result<T, any Error>
        do { result = .success(try await body(server, port)) } catch { result = .failure(error) }
        server.beginGracefulShutdown()
        try await group.waitForAll()
        return try result.get()
    }
}

/// Records what handlers observed, for assertions; a test can also wait for an event, so it
/// synchronises on what happened rather than on how long it usually takes.
final class Observations: Sendable {
    private struct State {
        var events: [String] = []
        var waiters: [(id: UInt64, event: String, continuation: CheckedContinuation<Void, Never>)] = []
        var nextID: UInt64 = 0
    }
    private let state = Mutex(State())

    func record(_ event: String) {
        let ready = state.withLock { state in
            state.events.append(event)
            let ready = state.waiters.filter { $0.event == event }.map(\.continuation)
            state.waiters.removeAll { $0.event == event }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    var events: [String] { state.withLock { $0.events } }

    /// Returns once `event` has been recorded (at once if it already was), or when the waiting
    /// task is cancelled: a suite's time limit then ends the test instead of hanging the run.
    func seen(_ event: String) async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.events.contains(event) || Task.isCancelled { return true }
                    state.waiters.append((id, event, continuation))
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiters.removeAll { $0.id == id } }
                return state.waiters.first { $0.id == id }?.continuation
            }
            waiter?.resume()
        }
    }
}

/// The methods of a test service, `test.Echo`, over raw bytes.
func echoMethods(_ observations: Observations = Observations()) -> [RPCMethod] {
    [
        .unary("/test.Echo/Echo") { request, context in
            if let value = context.metadata["x-echo"] { context.addTrailer("x-echo", value) }
            if let bytes = context.metadata.binary("x-data-bin") { context.addTrailer("x-data-len", String(bytes.count)) }
            return request
        },
        .inlineUnary("/test.Echo/Inline") { request, _ in request.reversed() },
        .unary("/test.Echo/Fail") { _, _ in
            throw RPCError(code: .invalidArgument, message: "query must not be empty — got ''")
        },
        // Hangs until its call ends (deadline, reset, client gone), then reports how it learnt.
        .unary("/test.Echo/Slow") { _, context in
            observations.record("started")
            await untilCancelled()
            observations.record("cancelled:\(context.isCancelled)")
            throw CancellationError()
        },
        .unary("/test.Echo/Sleep") { request, _ in
            observations.record("sleeping")
            try await Task.sleep(for: .milliseconds(Int(request.first ?? 0) * 10))
            observations.record("slept")
            return request
        },
        .unary("/test.Echo/Big") { request, _ in [UInt8](repeating: 1, count: Int(request.first ?? 0) << 20) },
        .serverStreaming("/test.Echo/Count") { request, _, write in
            for i in 0..<Int(request.first ?? 0) { try await write([UInt8(i)]) }
        },
    ]
}
