import Testing
import ZooterRPC
import ZooterServiceKit
import ZooterWire

@Suite(.timeLimit(.minutes(1))) struct HealthServiceTests {
    @Test func checkReportsServerAndServiceStatus() async throws {
        let health = HealthService(services: ["zooter.v1.Router"])
        try await withTestServer(health.methods) { port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            func check(_ service: String) async throws -> HealthCheckResponse.ServingStatus {
                let response = try await client.unary(
                    path: "/grpc.health.v1.Health/Check", request: HealthCheckRequest(service: service).wireBytes())
                return try HealthCheckResponse(wireBytes: response.message).status
            }
            #expect(try await check("") == .serving)
            #expect(try await check("zooter.v1.Router") == .serving)
            health.set("zooter.v1.Router", .notServing)
            #expect(try await check("zooter.v1.Router") == .notServing)
            await #expect { try await check("nope") } throws: { ($0 as! RPCError).code == .notFound }
            await client.close()
        }
    }

    @Test func drainReportsNotServingAndEndsWatches() async throws {
        let health = HealthService(services: ["svc"])
        try await withTestServer(health.methods) { port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            let seen = StatusLog()
            let watch = Task {
                try await client.serverStreaming(
                    path: "/grpc.health.v1.Health/Watch", request: HealthCheckRequest(service: "svc").wireBytes()
                ) { bytes in
                    if let status = try? HealthCheckResponse(wireBytes: bytes).status { seen.append(status) }
                }
            }
            await seen.received(1)  // the watch is registered and has its first status
            health.drain()
            _ = try await watch.value  // the stream ends with OK, no deadline needed
            #expect(seen.values == [.serving, .notServing])
            #expect(health.status(of: "") == .notServing)
            await client.close()
        }
    }

    @Test func malformedProtobufAndInvalidUTF8AreInvalidArgument() async throws {
        let health = HealthService(services: [])
        try await withTestServer(health.methods) { port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            // Field 1, length-delimited, length 5 but only 2 bytes follow.
            await #expect { try await client.unary(path: "/grpc.health.v1.Health/Check", request: [0x0A, 0x05, 0x61, 0x62]) } throws: { error in
                let error = error as! RPCError
                return error.code == .invalidArgument && error.message.contains("HealthCheckRequest")
            }
            // Field 1 = the bytes C3 28 (not UTF-8).
            await #expect { try await client.unary(path: "/grpc.health.v1.Health/Check", request: [0x0A, 0x02, 0xC3, 0x28]) } throws: { error in
                let error = error as! RPCError
                return error.code == .invalidArgument && error.message.contains("UTF-8")
            }
            // Garbage bytes.
            await #expect { try await client.unary(path: "/grpc.health.v1.Health/Check", request: [0xFF, 0xFF, 0xFF, 0xFF]) } throws: { error in
                (error as! RPCError).code == .invalidArgument
            }
            // And the next good call is served.
            let response = try await client.unary(path: "/grpc.health.v1.Health/Check", request: HealthCheckRequest().wireBytes())
            #expect(try HealthCheckResponse(wireBytes: response.message).status == .serving)
            await client.close()
        }
    }

    @Test func watchStreamsStatusChanges() async throws {
        let health = HealthService(services: ["svc"])
        try await withTestServer(health.methods) { port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            let seen = StatusLog()
            let watch = Task {
                try await client.serverStreaming(
                    path: "/grpc.health.v1.Health/Watch", request: HealthCheckRequest(service: "svc").wireBytes()
                ) { bytes in
                    if let status = try? HealthCheckResponse(wireBytes: bytes).status { seen.append(status) }
                }
            }
            await seen.received(1)
            health.set("svc", .notServing)
            await seen.received(2)
            watch.cancel()  // a watch never ends by itself while the service lives
            _ = await watch.result
            #expect(seen.values == [.serving, .notServing])
            await client.close()
        }
    }
}

import Synchronization
/// The statuses a Watch stream delivered; a test waits for the n-th instead of sleeping.
final class StatusLog: Sendable {
    private struct State {
        var values: [HealthCheckResponse.ServingStatus] = []
        var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []
    }
    private let state = Mutex(State())

    func append(_ status: HealthCheckResponse.ServingStatus) {
        let ready = state.withLock { state in
            state.values.append(status)
            let count = state.values.count
            defer { state.waiters.removeAll { $0.count <= count } }
            return state.waiters.filter { $0.count <= count }.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    var values: [HealthCheckResponse.ServingStatus] { state.withLock { $0.values } }

    /// Returns once `count` statuses have arrived (bounded by the suite's time limit).
    func received(_ count: Int) async {
        await withCheckedContinuation { continuation in
            let already = state.withLock { state in
                if state.values.count >= count { return true }
                state.waiters.append((count, continuation))
                return false
            }
            if already { continuation.resume() }
        }
    }
}
