import NIOCore
import NIOPosix
import Synchronization
import Testing
import ZooterHTTP2
@testable import ZooterRPC

@Suite(.timeLimit(.minutes(1))) struct BalancingAndShutdownTests {
    /// A method that answers with a server's own tag, to see where calls land.
    /// The tags of the servers `calls` round-robin calls reached.
    static func tags(_ client: GRPCClient, calls: Int) async throws -> Set<UInt8> {
        var seen = Set<UInt8>()
        for _ in 0..<calls { seen.insert(try await client.unary(path: "/test.Echo/Who", request: []).message[0]) }
        return seen
    }

    static func tagged(_ tag: UInt8) -> [RPCMethod] {
        [.unary("/test.Echo/Who") { _, _ in [tag] }]
    }

    /// A name in front of replicas is resolved again: replicas that appear get calls, replicas
    /// that vanish stop getting them, and a failed lookup keeps the working set.
    @Test func reresolvingFollowsReplicasAsTheyComeAndGo() async throws {
        try await withTestServer(Self.tagged(1)) { _, portA in
            try await withTestServer(Self.tagged(2)) { _, portB in
                let dns = FakeDNS([("127.0.0.1", portA, nil)])
                let client = try GRPCClient(endpoints: [("127.0.0.1", portA, nil)], configuration: ClientConfiguration(reresolveInterval: nil),
                                        target: "replicas:1", resolver: dns.resolver)
                let onlyA = try await Self.tags(client, calls: 4)
                #expect(onlyA == [1])
                dns.answer.withLock { $0 = [("127.0.0.1", portA, nil), ("127.0.0.1", portB, nil)] }  // scaled up
                await client.refreshAddresses()
                #expect(client.addresses == ["127.0.0.1:\(portA)", "127.0.0.1:\(portB)"])
                let both = try await Self.tags(client, calls: 4)
                #expect(both == [1, 2])
                dns.answer.withLock { $0 = nil }  // DNS hiccup: keep what works
                await client.refreshAddresses()
                #expect(client.addresses.count == 2)
                dns.answer.withLock { $0 = [("127.0.0.1", portB, nil)] }  // A went away
                await client.refreshAddresses()
                #expect(client.addresses == ["127.0.0.1:\(portB)"])
                let onlyB = try await Self.tags(client, calls: 4)
                #expect(onlyB == [2])
                await client.close()
            }
        }
        #expect(GRPCClient.namesHosts("reward:50071") && GRPCClient.namesHosts("10.0.0.1:1, reward:2"))
        #expect(!GRPCClient.namesHosts("127.0.0.1:1,[::1]:2"))
    }

    @Test func roundRobinSpreadsCallsOverAllAddresses() async throws {
        try await withTestServer(Self.tagged(1)) { _, portA in
            try await withTestServer(Self.tagged(2)) { _, portB in
                let client = try GRPCClient(target: "127.0.0.1:\(portA), 127.0.0.1:\(portB)")
                var counts: [UInt8: Int] = [:]
                for _ in 0..<20 {
                    counts[try await client.unary(path: "/test.Echo/Who", request: []).message[0], default: 0] += 1
                }
                #expect(counts == [1: 10, 2: 10])
                await client.close()
            }
        }
    }

    @Test func failsOverWhenAnAddressIsDown() async throws {
        // Find a port nobody listens on: bind, note it, shut the server down.
        let deadPort = try await withTestServer(Self.tagged(0)) { _, port in port }
        try await withTestServer(Self.tagged(2)) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(deadPort),127.0.0.1:\(port)")
            for _ in 0..<6 {
                #expect(try await client.unary(path: "/test.Echo/Who", request: []).message == [2])
            }
            await client.close()
        }
    }

    @Test func allAddressesDownIsUnavailable() async throws {
        let deadPort = try await withTestServer(Self.tagged(0)) { _, port in port }
        let client = try GRPCClient(target: "127.0.0.1:\(deadPort)")
        await #expect { try await client.unary(path: "/test.Echo/Who", request: []) } throws: { error in
            let error = error as! RPCError
            return error.code == .unavailable && error.message.contains("127.0.0.1:\(deadPort)")
        }
        await client.close()
    }

    @Test func hostNamesExpandToTheirAddresses() async throws {
        try await withTestServer(Self.tagged(3)) { _, port in
            let client = try GRPCClient(target: "localhost:\(port)")
            #expect(client.addresses.contains("127.0.0.1:\(port)"))
            #expect(try await client.unary(path: "/test.Echo/Who", request: []).message == [3])
            await client.close()
        }
        #expect(throws: RPCError.self) { try GRPCClient(target: "no-port") }
        #expect(throws: RPCError.self) { try GRPCClient(target: "") }
    }

    @Test func gracefulShutdownDrainsInFlightCalls() async throws {
        let observations = Observations()
        let server = GRPCServer(configuration: ServerConfiguration(eventLoopThreads: 1), methods: echoMethods(observations), logger: quietLogger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPort()
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            _ = try await client.unary(path: "/test.Echo/Echo", request: [])  // connected
            async let slow = client.unary(path: "/test.Echo/Sleep", request: [30])  // 300 ms
            await observations.seen("sleeping")  // the call is in its handler
            server.beginGracefulShutdown()
            // The call that was in flight completes; the server then exits by itself.
            #expect(try await slow.message == [30])
            try await group.waitForAll()
            #expect(observations.events == ["sleeping", "slept"])
            // New calls are refused now.
            await #expect { try await client.unary(path: "/test.Echo/Echo", request: []) } throws: { error in
                (error as! RPCError).code == .unavailable
            }
            await client.close()
        }
    }

    @Test func idleConnectionsAreClosed() async throws {
        let config = ServerConfiguration(idleTimeout: .milliseconds(300), eventLoopThreads: 1)
        try await withTestServer(echoMethods(), configuration: config) { _, port in
            let connection = try await RawConnection.connect(port: port, group: MultiThreadedEventLoopGroup.singleton)
            let session = try HTTP2Session(role: .client)
            // Preface + SETTINGS, then nothing. On a loaded machine the server may already have
            // closed the idle connection before this write: that is the outcome under test too.
            let wrote = (try? await connection.write(try session.takeOutbound())) != nil
            let start = ContinuousClock.now
            var sawGoAway = false
            for await bytes in connection.inbound {
                if (try? session.receive(bytes))?.contains(where: { if case .goAway = $0 { true } else { false } }) == true { sawGoAway = true }
            }
            if wrote { #expect(sawGoAway) }
            #expect(ContinuousClock.now - start < .seconds(20))
        }
    }

    @Test func inFlightBoundRejectsExcessWithResourceExhausted() async throws {
        let config = ServerConfiguration(maxInFlightCalls: 2, eventLoopThreads: 1)
        try await withTestServer(echoMethods(), configuration: config) { _, port in
            let client = try GRPCClient(target: "127.0.0.1:\(port)")
            let codes = try await withThrowingTaskGroup(of: StatusCode.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        do { _ = try await client.unary(path: "/test.Echo/Sleep", request: [20]); return .ok }
                        catch { return (error as? RPCError)?.code ?? .unknown }
                    }
                }
                return try await group.reduce(into: [StatusCode]()) { $0.append($1) }
            }
            #expect(codes.filter { $0 == .ok }.count == 2)
            #expect(codes.filter { $0 == .resourceExhausted }.count == 4)
            await client.close()
        }
    }
}

/// A name whose addresses a test sets; nil makes the lookup fail.
final class FakeDNS: Sendable {
    let answer: Mutex<[GRPCClient.Endpoint]?>
    init(_ endpoints: [GRPCClient.Endpoint]) { answer = Mutex(endpoints) }

    var resolver: GRPCClient.Resolver {
        { [answer = self] _ throws(RPCError) in
            guard let endpoints = answer.answer.withLock({ $0 }) else { throw RPCError(code: .unavailable, message: "lookup failed") }
            return endpoints
        }
    }
}
