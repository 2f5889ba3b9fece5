import NIOCore
import NIOEmbedded
import Testing
@testable import ZooterGateway

/// The relay that streams an expert's answer to a client: a client that leaves must end it with
/// an error wherever the reader was waiting, because a normal end means "whole answer" (it is
/// then logged and scored as one).
@Suite(.timeLimit(.minutes(1))) struct ClientDisconnectTests {
    /// The reader waits either on a quiet upstream (the element was taken; an AsyncStream answers
    /// nil when cancelled) or for the permit to read on (the element was not taken yet).
    @Test(arguments: [true, false])
    func aClientLeavingEndsTheRelayWithAnError(elementTaken: Bool) async throws {
        let channel = NIOAsyncTestingChannel()
        let (upstream, expert) = AsyncStream<Int>.makeStream()
        let relay = ClientDisconnect.relay(upstream, cancelledBy: channel)
        defer { relay.stop() }
        var elements = relay.elements.makeAsyncIterator()
        expert.yield(1)
        #expect(try await elements.next() == 1)
        if elementTaken { relay.taken() } else { expert.yield(2) }
        try await channel.close()
        await #expect(throws: CancellationError.self) {
            while try await elements.next() != nil {}
        }
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
