import NIOCore

/// Cancels work for a client that has gone away. The HTTP server notices a closed connection
/// only when it next writes, which for a request waiting on a slow expert may be minutes away;
/// the channel's close future fires as soon as the peer's FIN or RST arrives.
enum ClientDisconnect {
    /// Runs `body` in a task that is cancelled when `channel` closes (or the caller is cancelled).
    static func cancelling<T: Sendable>(on channel: any Channel, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await body() }
        channel.closeFuture.whenComplete { _ in task.cancel() }
        return try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
    }

    /// The elements of `upstream`, read by a task that is cancelled when `channel` closes, handed
    /// over one at a time: the reader waits until the previous element was taken, so a client
    /// that reads slowly slows the upstream read instead of filling memory.
    static func relay<Upstream: AsyncSequence & Sendable>(_ upstream: Upstream, cancelledBy channel: any Channel)
        -> (elements: AsyncThrowingStream<Upstream.Element, any Error>, taken: @Sendable () -> Void, stop: @Sendable () -> Void)
        where Upstream.Element: Sendable {
        let (elements, output) = AsyncThrowingStream<Upstream.Element, any Error>.makeStream()
        let (credits, credit) = AsyncStream<Void>.makeStream()
        let reader = Task {
            var permits = credits.makeAsyncIterator()
            do {
                for try await element in upstream {
                    output.yield(element)
                    // Waits until the consumer took it; nil once stopped or cancelled.
                    guard await permits.next() != nil else { break }
                }
                // A cancelled read may end as if the upstream had finished (an AsyncStream's
                // iterator returns nil when cancelled, and so does waiting for a permit): the
                // consumer must see the client's departure as an error, never as a whole answer.
                try Task.checkCancellation()
                output.finish()
            } catch {
                output.finish(throwing: error)
            }
        }
        channel.closeFuture.whenComplete { _ in reader.cancel() }
        return (elements, { credit.yield() }, { reader.cancel(); credit.finish() })
    }
}
