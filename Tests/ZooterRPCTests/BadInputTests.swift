import NIOCore
import NIOPosix
import Testing
import ZooterHTTP2
import ZooterRPC

/// The bad-input matrix: each case gets the right status or a clean close, and the server then
/// serves the next good call.
@Suite(.timeLimit(.minutes(1))) struct BadInputTests {
    let group = MultiThreadedEventLoopGroup.singleton

    func expectStillServing(_ port: Int) async throws {
        let client = try GRPCClient(target: "127.0.0.1:\(port)")
        #expect(try await client.unary(path: "/test.Echo/Echo", request: [42]).message == [42])
        await client.close()
    }

    func rawCall(_ port: Int, _ headers: [HeaderField], _ body: [[UInt8]], endStream: Bool = true) async throws -> [[HeaderField]] {
        let connection = try await RawConnection.connect(port: port, group: group)
        defer { connection.channel.close(promise: nil) }
        return try await connection.call(headers: headers, body: body, endStream: endStream)
    }

    @Test func getIsRejectedWith405() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo", method: "GET"), [])
            #expect(blocks.httpStatus == "405")
            #expect(blocks.grpcStatus == "12")
            try await expectStillServing(port)
        }
    }

    @Test func wrongContentTypeIsRejectedWith415() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo", contentType: "application/json"), [Array("{}".utf8)])
            #expect(blocks.httpStatus == "415")
            #expect(blocks.grpcMessage?.contains("application/json") == true)
            try await expectStillServing(port)
        }
    }

    @Test func unknownMethodIsRejectedOnHeaders() async throws {
        try await withTestServer(echoMethods()) { _, port in
            // No body and no END_STREAM: the answer must come from the headers alone.
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Missing"), [], endStream: false)
            #expect(blocks.grpcStatus == "12")
            try await expectStillServing(port)
        }
    }

    @Test func compressedFlagIsUnimplementedWithAcceptEncoding() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo"), [[1, 0, 0, 0, 1, 9]])
            #expect(blocks.grpcStatus == "12")
            #expect(blocks.first?.first(named: "grpc-accept-encoding") == "identity")
            let encoded = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo", extra: [HeaderField("grpc-encoding", "gzip")]), [[0, 0, 0, 0, 0]])
            #expect(encoded.grpcStatus == "12")
            try await expectStillServing(port)
        }
    }

    @Test func truncatedFrameIsInternal() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo"), [[0, 0, 0, 0, 10, 1, 2, 3]])
            #expect(blocks.grpcStatus == "13")
            #expect(blocks.grpcMessage?.contains("truncated") == true)
            try await expectStillServing(port)
        }
    }

    @Test func oversizedPrefixIsRejectedBeforeTheBodyArrives() async throws {
        try await withTestServer(echoMethods()) { _, port in
            // Announce 5 MiB, send none of it, keep the stream open: the status comes anyway.
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo"), [[0, 0, 0x50, 0, 0]], endStream: false)
            #expect(blocks.grpcStatus == "8")
            try await expectStillServing(port)
        }
    }

    @Test func malformedTimeoutIsInvalidArgument() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo", extra: [HeaderField("grpc-timeout", "soon")]), [[0, 0, 0, 0, 0]])
            #expect(blocks.grpcStatus == "3")
            try await expectStillServing(port)
        }
    }

    @Test func unfinishedRequestBytesPerConnectionAreBounded() async throws {
        var config = ServerConfiguration(eventLoopThreads: 1)
        config.maxBufferedBytesPerConnection = 1 << 20
        try await withTestServer(echoMethods(), configuration: config) { _, port in
            // A 3 MiB message is within the 4 MiB message limit, but its first 1.5 MiB already
            // exceed what one connection may hold unfinished.
            let chunk = [UInt8](repeating: 1, count: 256 << 10)
            let body = [[0, 0, 0x30, 0, 0]] + Array(repeating: chunk, count: 6)
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo"), body, endStream: false)
            #expect(blocks.grpcStatus == "8")
            #expect(blocks.grpcMessage?.contains("not yet dispatched") == true)
            try await expectStillServing(port)
        }
    }

    @Test func hugeTimeoutIsCappedNotACrash() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo", extra: [HeaderField("grpc-timeout", "99999999H")]), [[0, 0, 0, 0, 1, 7]])
            #expect(blocks.grpcStatus == "0")
            try await expectStillServing(port)
        }
    }

    @Test func oversizedHeaderListIsRefused() async throws {
        try await withTestServer(echoMethods()) { _, port in
            // 20 KiB of metadata against our 16 KiB SETTINGS_MAX_HEADER_LIST_SIZE.
            let big = (0..<20).map { HeaderField("x-pad-\($0)", String(repeating: "a", count: 1024)) }
            let blocks = try await rawCall(port, grpcHeaders(path: "/test.Echo/Echo", extra: big), [[0, 0, 0, 0, 0]])
            #expect(blocks.grpcStatus == nil)  // the stream was reset, nothing was served
            try await expectStillServing(port)
        }
    }

    @Test func garbageInsteadOfPrefaceClosesTheConnection() async throws {
        try await withTestServer(echoMethods()) { _, port in
            for garbage in [Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8), [UInt8](repeating: 0xFF, count: 64)] {
                let connection = try await RawConnection.connect(port: port, group: group)
                try await connection.write(garbage)
                let start = ContinuousClock.now
                var replied = 0
                for await bytes in connection.inbound { replied += bytes.count }  // ends when the server closes
                // Closed at once (not by the 300 s idle timer), with at most a GOAWAY frame said.
                #expect(ContinuousClock.now - start < .seconds(10))
                #expect(replied <= 128, "\(replied) bytes answered to garbage")
            }
            try await expectStillServing(port)
        }
    }

    @Test func clientVanishingMidCallCancelsTheHandler() async throws {
        let observations = Observations()
        try await withTestServer(echoMethods(observations)) { _, port in
            let connection = try await RawConnection.connect(port: port, group: group)
            let session = try HTTP2Session(role: .client)
            let streamID = try session.request(headers: grpcHeaders(path: "/test.Echo/Slow"))
            session.send(streamID: streamID, bytes: [0, 0, 0, 0, 0])
            session.finish(streamID: streamID)
            try await connection.write(try session.takeOutbound())
            await observations.seen("started")
            try await connection.channel.close()
            await observations.seen("cancelled:true")
            #expect(observations.events == ["started", "cancelled:true"])
            try await expectStillServing(port)
        }
    }
}

/// Limits a hostile client meets before it costs us anything: authorization on the headers,
/// per-method request sizes from the length prefix, and error replies that never echo more
/// than a short prefix of what was sent.
@Suite(.serialized) struct EarlyRefusalTests {
    static let methods: [RPCMethod] = [
        RPCMethod.unary("/test.Admin/Swap") { request, _ in request }.authorized { context in
            guard context.metadata["authorization"] == "Bearer right" else {
                throw RPCError(code: .unauthenticated, message: "no")
            }
        },
        RPCMethod.unary("/test.Small/Echo") { request, _ in request }.limitingRequests(to: 16),
    ]

    @Test func unauthorizedCallsAreRefusedFromTheirHeadersAlone() async throws {
        try await withTestServer(Self.methods) { _, port in
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let connection = try await RawConnection.connect(port: port, group: group)
            // Headers only, the stream left open: the answer must come without any body.
            let blocks = try await connection.call(headers: grpcHeaders(path: "/test.Admin/Swap"), body: [], endStream: false)
            #expect(blocks.grpcStatus == String(StatusCode.unauthenticated.rawValue))
            try await connection.channel.close()
            try await group.shutdownGracefully()
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            var metadata = Metadata(); metadata.add("authorization", "Bearer right")
            #expect(try await client.unary(path: "/test.Admin/Swap", request: [1, 2], metadata: metadata).message == [1, 2])
            await client.close()
        }
    }

    /// A status message quoting client input can never grow too large to send (nghttp2 would
    /// drop the HEADERS and the call would never end): it is capped.
    @Test func hugeStatusMessagesAreCappedAndTheCallEnds() async throws {
        let methods = [RPCMethod.unary("/test.Loud/Fail") { _, _ in
            throw RPCError(code: .invalidArgument, message: String(repeating: "%é", count: 40_000))
        }]
        try await withTestServer(methods) { _, port in
            try await GRPCClient.withClient(target: "127.0.0.1:\(port)") { client in
                await #expect { _ = try await client.unary(path: "/test.Loud/Fail", request: [], timeout: .seconds(10)) } throws: { error in
                    guard let error = error as? RPCError else { return false }
                    return error.code == .invalidArgument && error.message.count <= 1025
                }
            }
        }
    }

    @Test func aMethodsOwnSizeLimitRefusesFromTheLengthPrefix() async throws {
        try await withTestServer(Self.methods) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            #expect(try await client.unary(path: "/test.Small/Echo", request: [UInt8](repeating: 7, count: 16)).message.count == 16)
            await #expect(throws: RPCError.self) { _ = try await client.unary(path: "/test.Small/Echo", request: [UInt8](repeating: 7, count: 17)) }
            await client.close()
        }
    }

    @Test(.timeLimit(.minutes(1))) func errorRepliesQuoteAtMostAShortSanitisedPrefix() async throws {
        try await withTestServer(Self.methods) { _, port in
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            // A long path, and a long non-ASCII content type: both quoted in their error replies.
            let longPath = "/" + String(repeating: "x", count: 8_000)
            let longType = "text/" + String(repeating: "é", count: 3_000)
            for headers in [grpcHeaders(path: longPath), grpcHeaders(path: "/test.Small/Echo", contentType: longType)] {
                let connection = try await RawConnection.connect(port: port, group: group)  // one call per connection
                let blocks = try await connection.call(headers: headers, body: [])
                let message = try #require(blocks.grpcMessage)
                #expect(message.utf8.count < 400 && !message.contains("%C3%A9"), "\(message.utf8.count) bytes: \(message)")
                try await connection.channel.close()
            }
            try await group.shutdownGracefully()
        }
    }
}
