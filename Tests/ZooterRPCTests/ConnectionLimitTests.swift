import Foundation
import NIOCore
import NIOPosix
import Testing
import ZooterTestSupport
import ZooterHTTP2
@testable import ZooterRPC

/// The budgets a hostile client meets on one connection and across the server, each tested by
/// behaviour on a real server: what is refused, with which status, and that the limit is counted.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConnectionLimitTests {
    let group = MultiThreadedEventLoopGroup.singleton

    /// The test service plus a long-lived stream that stays open until cancelled.
    static var methods: [RPCMethod] {
        echoMethods() + [
            RPCMethod.serverStreaming("/test.Echo/Hold") { _, context, write in
                try await write([1])
                await untilCancelled()  // open until the call is cancelled
            }.longLived(),
            RPCMethod.serverStreaming("/test.Echo/TwoThenHang") { _, _, write in
                try await write([1])
                try await write([2])
                await untilCancelled()  // a server that never sends its trailers
            },
        ]
    }

    func expectStillServing(_ port: Int) async throws {
        let client = try GRPCClient(target: "127.0.0.1:\(port)")
        #expect(try await client.unary(path: "/test.Echo/Echo", request: [42]).message == [42])
        await client.close()
    }

    /// Finding 5: finished messages whose END_STREAM never comes count against the connection's
    /// budget (they once cost nothing, so 48 streams × 4 MiB were held without bound).
    @Test func finishedMessagesWithoutEndStreamCountAgainstTheConnection() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.maxBufferedBytesPerConnection = 1 << 20
        // Long enough that the budget is reached before the first stream times out, even when
        // the parallel suite keeps the client from sending for seconds (1 s once lost that race).
        config.requestReceiveTimeout = .seconds(10)
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let raw = try await RawSession(port: port, group: group)
            var streams: [Int32] = []
            for _ in 0..<6 { streams.append(try await raw.open(grpcHeaders(path: "/test.Echo/Echo"), body: framedMessage(300 << 10))) }
            // 6 × 300 KiB on a 1 MiB budget: some are refused, the server never holds more than
            // the budget (flow control stops the client there), and the rest time out.
            let exhausted = String(StatusCode.resourceExhausted.rawValue)
            #expect(try await raw.pump { streams.contains { raw.status($0) == exhausted } || streams.allSatisfy { raw.status($0) != nil } })
            #expect(streams.contains { raw.status($0) == exhausted }, "\(streams.map { raw.status($0) ?? "-" })")
            #expect(server.budget.heldBytes <= 1 << 20)
            #expect(server.limits.count(.bufferedBytesPerConnection) >= 1)
            #expect(try await raw.pump { streams.allSatisfy { raw.status($0) != nil } })
            #expect(server.budget.heldBytes == 0, "every held byte is released once the streams end")
            await raw.close()
            try await expectStillServing(port)
        }
    }

    @Test func theServerWideBudgetSpansConnections() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.maxBufferedBytesTotal = 1 << 20
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let first = try await RawSession(port: port, group: group)
            let second = try await RawSession(port: port, group: group)
            let a = try await first.open(grpcHeaders(path: "/test.Echo/Echo"), body: framedMessage(700 << 10))
            try await first.roundTrip()  // the server now holds the first request's bytes
            let b = try await second.open(grpcHeaders(path: "/test.Echo/Echo"), body: framedMessage(700 << 10))
            #expect(try await second.pump { second.status(b) != nil })
            #expect(second.status(b) == String(StatusCode.resourceExhausted.rawValue), "\(second.message(b) ?? "")")
            #expect(first.status(a) == nil, "the first connection's request is still held, not refused")
            #expect(server.limits.count(.bufferedBytesTotal) == 1)
            await first.close()
            await second.close()
            try await expectStillServing(port)
        }
    }

    /// Finding 10: a request whose END_STREAM never comes ends with DEADLINE_EXCEEDED.
    @Test func aRequestThatNeverFinishesTimesOut() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.requestReceiveTimeout = .milliseconds(300)
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let raw = try await RawSession(port: port, group: group)
            let headersOnly = try await raw.open(grpcHeaders(path: "/test.Echo/Echo"))
            let messageNoEnd = try await raw.open(grpcHeaders(path: "/test.Echo/Echo"), body: framedMessage(10))
            #expect(try await raw.pump { raw.status(headersOnly) != nil && raw.status(messageNoEnd) != nil })
            for stream in [headersOnly, messageNoEnd] {
                #expect(raw.status(stream) == String(StatusCode.deadlineExceeded.rawValue))
                #expect(raw.message(stream)?.contains("did not arrive") == true)
            }
            #expect(server.limits.count(.requestReceiveTimeout) == 2)
            await raw.close()
        }
    }

    @Test func callsAreCutOffAtTheServersMaximumDuration() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.maxCallDuration = .milliseconds(300)
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            let start = ContinuousClock.now
            // No grpc-timeout at all, and a handler that would sleep 30 s.
            await #expect { _ = try await client.unary(path: "/test.Echo/Slow", request: []) } throws: { error in
                (error as? RPCError)?.code == .deadlineExceeded
            }
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(server.limits.count(.maxCallDuration) == 1)
            await client.close()
        }
    }

    @Test func connectionsPastThePerPeerCapAreClosedAtAccept() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.maxConnectionsPerPeer = 2
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let kept = [try await RawSession(port: port, group: group), try await RawSession(port: port, group: group)]
            for session in kept { try await session.roundTrip() }  // both admitted and served
            // The third is closed at accept: its first write fails, or its reads end.
            if let third = try? await RawSession(port: port, group: group) {
                #expect(try await !third.pump { false } && third.connectionClosed)
                await third.close()
            }
            #expect(server.limits.count(.connectionsPerPeer) == 1)
            for session in kept { await session.close() }
            await server.connectionsClosed(downTo: 0)  // their per-peer slots are free again
            try await expectStillServing(port)
        }
    }

    /// Finding 8: watches have their own caps and do not use up the in-flight limit.
    @Test func longLivedStreamsHaveTheirOwnCaps() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.maxInFlightCalls = 2
        config.maxLongLivedCallsPerConnection = 3
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let raw = try await RawSession(port: port, group: group)
            var holds: [Int32] = []
            for _ in 0..<4 { holds.append(try await raw.open(grpcHeaders(path: "/test.Echo/Hold"), body: framedMessage(0), end: true)) }
            #expect(try await raw.pump { raw.status(holds[3]) != nil })
            #expect(raw.status(holds[3]) == String(StatusCode.resourceExhausted.rawValue))
            #expect(holds.prefix(3).allSatisfy { raw.status($0) == nil }, "three watches stay open")
            // With 3 watches open and an in-flight limit of 2, real work still runs.
            try await expectStillServing(port)
            try await expectStillServing(port)
            #expect(server.limits.count(.longLivedCallsPerConnection) == 1)
            await raw.close()
        }
    }

    /// Finding 11 (Rapid Reset): our own reset budget, whatever nghttp2 does.
    @Test func rapidResetsGetGoAwayAndAClose() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.streamResetBurst = 20
        config.streamResetsPerSecond = 5
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let raw = try await RawSession(port: port, group: group)
            do {
                for i in 0..<200 {
                    // NO_ERROR resets count too: the code a client picks must not exempt it.
                    let stream = try await raw.open(grpcHeaders(path: "/test.Echo/Echo"))
                    try await raw.reset(stream, code: i % 2 == 0 ? 0 : 8)
                }
            } catch {
                // The server closed the connection while we were still resetting: expected.
            }
            #expect(try await raw.pump { raw.connectionClosed })
            #expect(raw.goAwayCode == 0xB, "ENHANCE_YOUR_CALM")
            #expect(server.limits.count(.streamResetRate) >= 1)
            await raw.close()
            try await expectStillServing(port)
        }
    }

    /// Finding 11 (CONTINUATION flood): our own frame limit per header block.
    @Test func aHeaderBlockOfManyContinuationFramesClosesTheConnection() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.maxHeaderBlockFrames = 4
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let connection = try await RawConnection.connect(port: port, group: group)
            var bytes = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
            bytes += [0, 0, 0, 4, 0, 0, 0, 0, 0]                 // SETTINGS, empty
            bytes += [0, 0, 1, 1, 0, 0, 0, 0, 1, 0x83]           // HEADERS (no END_HEADERS): :method POST
            for _ in 0..<6 { bytes += [0, 0, 1, 9, 0, 0, 0, 0, 1, 0x86] }  // CONTINUATION: :scheme http
            try await connection.write(bytes)
            var closed = false
            for await _ in connection.inbound {}
            closed = true
            #expect(closed)
            #expect(server.limits.count(.headerBlock) == 1)
            try await expectStillServing(port)
        }
    }

    /// Finding 6: a client that never reads (and never opens its flow-control window) cannot
    /// make the server hold responses without bound: past the cap the connection is closed.
    @Test func aClientThatNeverReadsIsClosedAtThePendingCap() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.maxPendingOutboundBytes = 6 << 20
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let raw = try await RawSession(port: port, group: group)
            // 24 calls for 1 MiB responses each; the client never opens its flow-control window
            // (the session does not consume what it reads), so the answers pile up server-side
            // until the cap closes the connection.
            for _ in 0..<24 { try await raw.open(grpcHeaders(path: "/test.Echo/Big"), body: [0, 0, 0, 0, 1, 1], end: true) }
            #expect(try await raw.pump { raw.connectionClosed })
            #expect(server.limits.count(.pendingOutboundBytes) == 1)
            await raw.close()
            try await expectStillServing(port)
        }
    }

    /// A client that never opens its flow-control window holds its answers queued: after a
    /// receive timeout without progress the connection is closed.
    @Test func aClientThatNeverOpensItsWindowIsClosedAfterTheTimeout() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.requestReceiveTimeout = .milliseconds(500)
        try await withTestServer(Self.methods, configuration: config) { server, port in
            let raw = try await RawSession(port: port, group: group,
                                           settings: HTTP2Settings(initialWindowSize: 65_535, connectionWindowSize: 65_535))
            let stream = try await raw.open(grpcHeaders(path: "/test.Echo/Big"), body: [0, 0, 0, 0, 1, 1], end: true)
            // Read what comes (so the socket stays writable) but never credit it back.
            #expect(try await raw.pump { raw.connectionClosed })
            #expect(raw.status(stream) == nil)
            #expect(server.limits.count(.pendingOutboundBytes) == 1)
            await raw.close()
            try await expectStillServing(port)
        }
    }

    /// Finding 11: a unary client fails at a second response message instead of buffering
    /// everything a hostile server sends until its trailers.
    @Test func aUnaryClientFailsAtTheSecondMessage() async throws {
        try await withTestServer(Self.methods) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            let start = ContinuousClock.now
            await #expect { _ = try await client.unary(path: "/test.Echo/TwoThenHang", request: []) } throws: { error in
                (error as? RPCError)?.code == .internal
            }
            #expect(ContinuousClock.now - start < .seconds(10), "failed at the second message, not at the trailers 30 s later")
            await client.close()
        }
    }
}
