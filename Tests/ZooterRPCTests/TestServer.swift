import Logging
import Synchronization
import ZooterRPC

/// Quiet logger for tests (libraries take a logger; tests decide it is silent).
let quietLogger = Logger(label: "zooter.test", factory: { _ in SwiftLogNoOpLogHandler() })

/// Runs a real server on 127.0.0.1:0 around `body`, then shuts it down gracefully.
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

/// Suspends until the calling task is cancelled: a handler that hangs until its call ends.
/// (An AsyncStream that nothing feeds ends its iteration when the iterating task is cancelled.)
func untilCancelled() async {
    let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    defer { continuation.finish() }
    for await _ in stream {}
}

/// Records what handlers observed, for assertions.
final class Observations: Sendable {
    private let state = Mutex<[String]>([])
    func record(_ event: String) { state.withLock { $0.append(event) } }
    var events: [String] { state.withLock { $0 } }
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
        .unary("/test.Echo/Slow") { _, context in
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                observations.record("cancelled:\(context.isCancelled)")
                throw error
            }
            return []
        },
        .unary("/test.Echo/Sleep") { request, _ in
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
