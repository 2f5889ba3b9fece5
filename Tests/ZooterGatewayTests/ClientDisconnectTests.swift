import NIOCore
import NIOEmbedded
import Testing
@testable import ZooterGateway

/// The relay that streams an expert's answer to a client: a client that leaves must end it with
/// an error wherever the reader was waiting, because a normal end means "whole answer" (it is
/// then logged and scored as one).
@Suite(.timeLimit(.minutes(1))) struct ClientDisconnectTests {
    @Test func aClientLeavingWhileTheUpstreamIsQuietEndsTheRelayWithAnError() async throws {
        let channel = NIOAsyncTestingChannel()
        let (upstream, expert) = AsyncStream<Int>.makeStream()
        let relay = ClientDisconnect.relay(upstream, cancelledBy: channel)
        defer { relay.stop() }
        var elements = relay.elements.makeAsyncIterator()
        expert.yield(1)
        #expect(try await elements.next() == 1)
        relay.taken()
        // The reader now waits on the upstream (an AsyncStream answers nil when cancelled).
        try await channel.close()
        await #expect(throws: CancellationError.self) { _ = try await elements.next() }
    }

    @Test func aClientLeavingBeforeTakingAnElementEndsTheRelayWithAnError() async throws {
        let channel = NIOAsyncTestingChannel()
        let (upstream, expert) = AsyncStream<Int>.makeStream()
        let relay = ClientDisconnect.relay(upstream, cancelledBy: channel)
        defer { relay.stop() }
        var elements = relay.elements.makeAsyncIterator()
        expert.yield(1)
        expert.yield(2)
        #expect(try await elements.next() == 1)
        // Not taken: the reader waits for the permit when the client leaves.
        try await channel.close()
        await #expect(throws: CancellationError.self) { _ = try await elements.next() }
    }

    @Test func anUpstreamThatFinishesEndsTheRelayNormally() async throws {
        let channel = NIOAsyncTestingChannel()
        let relay = ClientDisconnect.relay([1, 2, 3].async, cancelledBy: channel)
        defer { relay.stop() }
        var received: [Int] = []
        for try await element in relay.elements {
            received.append(element)
            relay.taken()
        }
        #expect(received == [1, 2, 3])
    }
}

private extension Array where Element: Sendable {
    /// The array as an async sequence (the upstream of a relay).
    var async: AsyncStream<Element> {
        AsyncStream { continuation in
            for element in self { continuation.yield(element) }
            continuation.finish()
        }
    }
}
