import Testing
@testable import ZooterHTTP2

/// Two sessions wired back to back in memory: no sockets.
struct Pair {
    let client: HTTP2Session
    let server: HTTP2Session
    var clientEvents: [HTTP2Event] = []
    var serverEvents: [HTTP2Event] = []

    init(serverSettings: HTTP2Settings = HTTP2Settings()) throws {
        client = try HTTP2Session(role: .client)
        server = try HTTP2Session(role: .server, settings: serverSettings)
    }

    /// Shuttles bytes both ways until neither side has anything to send.
    mutating func pump() throws {
        for _ in 0..<64 {
            let toServer = try client.takeOutbound()
            if !toServer.isEmpty { serverEvents += try server.receive(toServer) }
            let toClient = try server.takeOutbound()
            if !toClient.isEmpty { clientEvents += try client.receive(toClient) }
            if toServer.isEmpty && toClient.isEmpty { return }
        }
        Issue.record("sessions did not go quiet")
    }
}

let requestHeaders = [
    HeaderField(":method", "POST"), HeaderField(":scheme", "http"), HeaderField(":path", "/a.B/C"),
    HeaderField(":authority", "localhost"), HeaderField("content-type", "application/grpc"),
    HeaderField("te", "trailers"),
]

@Suite struct HTTP2SessionTests {
    @Test func requestResponseWithTrailers() throws {
        var pair = try Pair()
        let stream = try pair.client.request(headers: requestHeaders)
        pair.client.send(streamID: stream, bytes: [0, 0, 0, 0, 2, 8, 1])
        pair.client.finish(streamID: stream)
        try pair.pump()

        #expect(pair.serverEvents.contains(.headers(streamID: stream, fields: requestHeaders, endStream: false)))
        #expect(pair.serverEvents.contains(.data(streamID: stream, bytes: [0, 0, 0, 0, 2, 8, 1])))
        #expect(pair.serverEvents.contains(.endOfData(streamID: stream)))

        try pair.server.respond(streamID: stream, headers: [HeaderField(":status", "200")], hasBody: true)
        pair.server.send(streamID: stream, bytes: [0, 0, 0, 0, 0])
        pair.server.finish(streamID: stream, trailers: [HeaderField("grpc-status", "0")])
        try pair.pump()

        #expect(pair.clientEvents.contains(.headers(streamID: stream, fields: [HeaderField(":status", "200")], endStream: false)))
        #expect(pair.clientEvents.contains(.data(streamID: stream, bytes: [0, 0, 0, 0, 0])))
        #expect(pair.clientEvents.contains(.headers(streamID: stream, fields: [HeaderField("grpc-status", "0")], endStream: true)))
        #expect(pair.clientEvents.contains(.streamClosed(streamID: stream, errorCode: 0)))
    }

    @Test func bodyQueuedAfterDeferralIsSent() throws {
        var pair = try Pair()
        let stream = try pair.client.request(headers: requestHeaders)
        try pair.pump()  // headers go out, the body provider defers
        let payload = [UInt8](repeating: 7, count: 40_000)  // several DATA frames
        pair.client.send(streamID: stream, bytes: payload)
        pair.client.finish(streamID: stream)
        try pair.pump()
        var received: [UInt8] = []
        for case .data(stream, let bytes) in pair.serverEvents { received += bytes }
        #expect(received == payload)
        #expect(pair.serverEvents.contains(.endOfData(streamID: stream)))
    }

    @Test func trailersOnlyResponse() throws {
        var pair = try Pair()
        let stream = try pair.client.request(headers: requestHeaders)
        pair.client.finish(streamID: stream)
        try pair.pump()
        try pair.server.respond(
            streamID: stream, headers: [HeaderField(":status", "200"), HeaderField("grpc-status", "12")], hasBody: false)
        try pair.pump()
        #expect(pair.clientEvents.contains(.headers(
            streamID: stream, fields: [HeaderField(":status", "200"), HeaderField("grpc-status", "12")], endStream: true)))
    }

    @Test func flowControlHoldsUntilConsumed() throws {
        var pair = try Pair(serverSettings: HTTP2Settings(initialWindowSize: 65_535, connectionWindowSize: 65_535))
        let stream = try pair.client.request(headers: requestHeaders)
        pair.client.send(streamID: stream, bytes: [UInt8](repeating: 1, count: 200_000))
        pair.client.finish(streamID: stream)
        try pair.pump()
        func receivedCount(_ events: [HTTP2Event]) -> Int {
            events.reduce(0) { if case .data(_, let b) = $1 { return $0 + b.count } else { return $0 } }
        }
        // Without consumption the peer stops at the window.
        #expect(receivedCount(pair.serverEvents) == 65_535)
        pair.server.consume(streamID: stream, count: 65_535)
        try pair.pump()
        #expect(receivedCount(pair.serverEvents) == 131_070)
    }

    @Test func garbagePrefaceIsFatal() throws {
        let server = try HTTP2Session(role: .server)
        #expect {
            _ = try server.receive(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
        } throws: { error in
            (error as? HTTP2Error)?.isBadPreface == true
        }
    }

    @Test func resetReachesPeer() throws {
        var pair = try Pair()
        let stream = try pair.client.request(headers: requestHeaders)
        try pair.pump()
        pair.client.reset(streamID: stream, errorCode: 8)
        try pair.pump()
        #expect(pair.serverEvents.contains(.streamClosed(streamID: stream, errorCode: 8)))
    }

    @Test func gracefulGoAwayIsTwoPhase() throws {
        var pair = try Pair()
        let first = try pair.client.request(headers: requestHeaders)
        pair.client.finish(streamID: first)
        try pair.pump()
        pair.server.announceShutdown()
        try pair.pump()
        #expect(pair.clientEvents.contains(.goAway(lastStreamID: Int32.max, errorCode: 0)))
        pair.server.goAway()
        try pair.pump()
        #expect(pair.clientEvents.contains(.goAway(lastStreamID: first, errorCode: 0)))
    }
}

/// Memory a burst leaves behind, and the queued-bytes figure the server's outbound cap reads.
@Suite struct HTTP2SessionMemoryTests {
    @Test func aBurstDoesNotLeaveItsPeakSendBufferBehind() throws {
        var pair = try Pair(serverSettings: HTTP2Settings(initialWindowSize: 8 << 20, connectionWindowSize: 8 << 20))
        let stream = try pair.client.request(headers: requestHeaders)
        pair.client.send(streamID: stream, bytes: [UInt8](repeating: 1, count: 4 << 20))
        pair.client.finish(streamID: stream)
        try pair.pump()
        // The 4 MiB went out in one takeOutbound; the next one starts from a small buffer.
        _ = try pair.client.takeOutbound()
        #expect(pair.client.sendBuffer.capacity <= 256 << 10, "\(pair.client.sendBuffer.capacity) bytes kept")
    }

    @Test func queuedBodyBytesFollowSendsTakesAndResets() throws {
        var pair = try Pair()
        let stream = try pair.client.request(headers: requestHeaders)
        pair.client.send(streamID: stream, bytes: [UInt8](repeating: 1, count: 3 << 20))
        #expect(pair.client.queuedBodyBytes == 3 << 20)
        try pair.pump()  // the server's default window (1 MiB stream) lets part of it out
        #expect(pair.client.queuedBodyBytes > 0 && pair.client.queuedBodyBytes < 3 << 20)
        pair.client.reset(streamID: stream, errorCode: 8)
        #expect(pair.client.queuedBodyBytes == 0)
    }
}

@Suite struct FrameScannerTests {
    static func frame(type: UInt8, flags: UInt8, length: Int = 0) -> [UInt8] {
        [UInt8(length >> 16), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF), type, flags, 0, 0, 0, 1]
            + [UInt8](repeating: 0, count: length)
    }

    @Test func continuationFloodsAreRefusedAndNormalBlocksPass() throws {
        var scanner = FrameScanner(serverSide: false, maxHeaderBlockFrames: 3)
        // HEADERS + 2 CONTINUATION (3 frames) ending the block: fine, and the count resets.
        let fine = Self.frame(type: 1, flags: 0, length: 5) + Self.frame(type: 9, flags: 0, length: 2) + Self.frame(type: 9, flags: 4)
        try fine.withUnsafeBufferPointer { try scanner.scan($0) }
        #expect(scanner.blockFrames == 0)
        var flood = Self.frame(type: 1, flags: 0, length: 1)
        for _ in 0..<3 { flood += Self.frame(type: 9, flags: 0) }
        // Fed one byte at a time: frame headers split across reads are still followed.
        #expect(throws: FrameScanner.Failure.headerBlockTooLong(frames: 4)) {
            for byte in flood { try [byte].withUnsafeBufferPointer { try scanner.scan($0) } }
        }
    }
}
