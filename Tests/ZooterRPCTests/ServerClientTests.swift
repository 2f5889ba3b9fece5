import Testing
import ZooterRPC

@Suite(.timeLimit(.minutes(1))) struct ServerClientTests {
    @Test func unaryEchoWithMetadataBothWays() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            var metadata = Metadata()
            metadata.add("x-echo", "hello")
            metadata.add("x-data-bin", binary: [0, 1, 2, 255])
            let response = try await client.unary(path: "/test.Echo/Echo", request: [1, 2, 3], metadata: metadata)
            #expect(response.message == [1, 2, 3])
            #expect(response.trailingMetadata["x-echo"] == "hello")
            #expect(response.trailingMetadata["x-data-len"] == "4")
            let inline = try await client.unary(path: "/test.Echo/Inline", request: [1, 2, 3])
            #expect(inline.message == [3, 2, 1])
            // An empty message is a valid message.
            #expect(try await client.unary(path: "/test.Echo/Echo", request: []).message == [])
            await client.close()
        }
    }

    @Test func errorStatusAndUnicodeMessageReachTheCaller() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            await #expect { try await client.unary(path: "/test.Echo/Fail", request: []) } throws: { error in
                let error = error as! RPCError
                return error.code == .invalidArgument && error.message == "query must not be empty — got ''"
            }
            await client.close()
        }
    }

    @Test func unknownServiceAndMethodAreUnimplemented() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            await #expect { try await client.unary(path: "/test.Echo/Nope", request: []) } throws: { error in
                let error = error as! RPCError
                return error.code == .unimplemented && error.message.contains("unknown method")
            }
            await #expect { try await client.unary(path: "/no.Such/Thing", request: []) } throws: { error in
                let error = error as! RPCError
                return error.code == .unimplemented && error.message.contains("unknown service no.Such")
            }
            // The connection keeps serving.
            #expect(try await client.unary(path: "/test.Echo/Echo", request: [5]).message == [5])
            await client.close()
        }
    }

    @Test func deadlineExpiresDuringHandlerAndHandlerIsCancelled() async throws {
        let observations = Observations()
        try await withTestServer(echoMethods(observations)) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            let start = ContinuousClock.now
            await #expect { try await client.unary(path: "/test.Echo/Slow", request: [], timeout: .milliseconds(200)) } throws: { error in
                (error as! RPCError).code == .deadlineExceeded
            }
            // At the deadline, not whenever the handler would end (generous: CI machines are loaded).
            #expect(ContinuousClock.now - start < .seconds(20))
            // The handler learns it was cancelled, both through Task cancellation and its context.
            await observations.seen("cancelled:true")
            #expect(observations.events == ["started", "cancelled:true"])
            #expect(try await client.unary(path: "/test.Echo/Echo", request: [7]).message == [7])
            await client.close()
        }
    }

    @Test func cancellingTheCallerResetsTheStream() async throws {
        let observations = Observations()
        try await withTestServer(echoMethods(observations)) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            let call = Task { try await client.unary(path: "/test.Echo/Slow", request: []) }
            await observations.seen("started")
            call.cancel()
            await #expect { try await call.value } throws: { ($0 as? RPCError)?.code == .cancelled }
            // The server saw the reset and cancelled its handler.
            await observations.seen("cancelled:true")
            #expect(observations.events == ["started", "cancelled:true"])
            await client.close()
        }
    }

    @Test func oversizedRequestAndResponseAreResourceExhausted() async throws {
        let config = ServerConfiguration(maxReceiveMessageSize: 1 << 20, maxSendMessageSize: 2 << 20, eventLoopThreads: 1)
        try await withTestServer(echoMethods(), configuration: config) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)", configuration: ClientConfiguration(maxSendMessageSize: 8 << 20))
            await #expect { try await client.unary(path: "/test.Echo/Echo", request: [UInt8](repeating: 0, count: (1 << 20) + 1)) } throws: { error in
                let error = error as! RPCError
                return error.code == .resourceExhausted && error.message.contains("exceeds the limit of 1048576 bytes")
            }
            await #expect { try await client.unary(path: "/test.Echo/Big", request: [3]) } throws: { error in
                (error as! RPCError).code == .resourceExhausted
            }
            // Exactly at the limit is fine.
            let atLimit = try await client.unary(path: "/test.Echo/Echo", request: [UInt8](repeating: 9, count: 1 << 20))
            #expect(atLimit.message.count == 1 << 20)
            await client.close()
        }
    }

    @Test func serverStreamingDeliversMessagesInOrder() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            let seen = Observations()
            _ = try await client.serverStreaming(path: "/test.Echo/Count", request: [50]) { message in
                seen.record(String(message[0]))
            }
            #expect(seen.events == (0..<50).map(String.init))
            await client.close()
        }
    }

    @Test func manyConcurrentCallsMultiplexOnOneConnection() async throws {
        try await withTestServer(echoMethods()) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<500 {
                    group.addTask {
                        let response = try await client.unary(path: "/test.Echo/Echo", request: [UInt8(i % 256), 1])
                        #expect(response.message == [UInt8(i % 256), 1])
                    }
                }
                try await group.waitForAll()
            }
            await client.close()
        }
    }
}

/// Clients are scoped: `withClient` closes the client whether the body returns or throws (the
/// trainer once leaked one when opening its journal failed after the client was made).
@Suite struct ScopedClientTests {
    struct Boom: Error {}

    @Test func theClientIsClosedWhenTheBodyThrows() async throws {
        try await withTestServer(echoMethods()) { server, port in
            nonisolated(unsafe) var captured: GRPCClient?
            await #expect(throws: Boom.self) {
                try await GRPCClient.withClient(target: "localhost:\(port)") { client in
                    captured = client
                    #expect(try await client.unary(path: "/test.Echo/Echo", request: [1]).message == [1])
                    throw Boom()
                }
            }
            // Closed: its event loops are gone, so it cannot call again.
            await #expect(throws: (any Error).self) { _ = try await captured?.unary(path: "/test.Echo/Echo", request: [2]) }
            let value = try await GRPCClient.withClient(target: "127.0.0.1:\(port)") { client in
                try await client.unary(path: "/test.Echo/Echo", request: [3]).message
            }
            #expect(value == [3])
        }
    }
}

/// A server bug reaches the caller as INTERNAL with an incident id, never as the error's text.
@Suite struct UnexpectedErrorTests {
    struct Leaky: Error, CustomStringConvertible { var description: String { "cannot open /srv/secret/keys.pem" } }

    @Test func unexpectedErrorsAreInternalWithAnIdAndNoDetails() async throws {
        let methods = [RPCMethod.unary("/test.Bug/Fail") { _, _ in throw Leaky() }]
        try await withTestServer(methods) { _, port in
            try await GRPCClient.withClient(target: "127.0.0.1:\(port)") { client in
                await #expect { _ = try await client.unary(path: "/test.Bug/Fail", request: []) } throws: { error in
                    guard let error = error as? RPCError else { return false }
                    return error.code == .internal && error.message.contains("internal error") && !error.message.contains("secret")
                }
            }
        }
    }
}
