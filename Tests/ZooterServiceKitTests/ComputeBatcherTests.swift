import Foundation
import NIOPosix
import Synchronization
import Testing
import ZooterRPC
@testable import ZooterServiceKit

@Suite(.timeLimit(.minutes(1))) struct ComputeBatcherTests {
    final class Calls: Sendable {
        let sizes = Mutex<[Int]>([])
    }

    @Test func concurrentSubmitsShareBatchesAndKeepOrder() async throws {
        let calls = Calls()
        let batcher = ComputeBatcher<Int, Int>(maxBatch: 64, maxWait: .milliseconds(20), maxQueuedItems: 1024, threadPool: .singleton) { items in
            calls.sizes.withLock { $0.append(items.count) }
            return items.map { $0 * 10 }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            try await withThrowingTaskGroup(of: Void.self) { clients in
                for i in 0..<40 {
                    clients.addTask {
                        let out = try await batcher.submit([i, i + 1000])
                        #expect(out == [i * 10, (i + 1000) * 10])
                    }
                }
                try await clients.waitForAll()
            }
            batcher.stop()
            try await group.waitForAll()
        }
        let sizes = calls.sizes.withLock { $0 }
        #expect(sizes.reduce(0, +) == 80)
        #expect(sizes.count < 40, "40 concurrent calls were computed in \(sizes.count) batches")
        #expect(sizes.allSatisfy { $0 <= 64 })
    }

    @Test func fullQueueIsResourceExhaustedAndStoppedIsUnavailable() async throws {
        let batcher = ComputeBatcher<Int, Int>(maxBatch: 2, maxWait: .zero, maxQueuedItems: 4, threadPool: .singleton) { $0 }
        // Not running: items stay queued, so the fifth item overflows the queue.
        async let first = batcher.submit([1, 2, 3, 4])
        await queued(4, in: batcher)
        await #expect { try await batcher.submit([5]) } throws: { ($0 as? RPCError)?.code == .resourceExhausted }
        batcher.stop()
        await #expect { try await batcher.submit([6]) } throws: { ($0 as? RPCError)?.code == .unavailable }
        // A stopped batcher still drains what it accepted.
        try await batcher.run()
        #expect(try await first == [1, 2, 3, 4])
    }

    @Test func cancelledCallersLeaveTheQueue() async throws {
        let batcher = ComputeBatcher<Int, Int>(maxBatch: 4, maxWait: .zero, maxQueuedItems: 4, threadPool: .singleton) { $0 }
        let waiting = Task { try await batcher.submit([1, 2, 3, 4]) }  // fills the queue (not running)
        await queued(4, in: batcher)
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        // Its slots are free again.
        async let next = batcher.submit([5, 6, 7, 8])
        await queued(4, in: batcher)
        batcher.stop()
        try await batcher.run()
        #expect(try await next == [5, 6, 7, 8])
    }
}

/// A batch whose callers have all gone (cancelled, deadline passed, server draining) stops
/// within one chunk instead of computing to the end: shutdown and deadlines are not held
/// hostage by a long batch.
@Suite(.timeLimit(.minutes(1))) struct ComputeBatcherCancellationTests {
    @Test func anAbandonedBatchStopsWithinAChunk() async throws {
        let chunks = ComputeBatcherTests.Calls()
        // The first chunk reports that it started and then holds until the caller has been
        // cancelled: no timing decides the outcome.
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)
        let release = DispatchSemaphore(value: 0)
        let batcher = ComputeBatcher<Int, Int>(maxBatch: 512, maxWait: .zero, maxQueuedItems: 1024, threadPool: .singleton) { items in
            let first = chunks.sizes.withLock { sizes in
                sizes.append(items.count)
                return sizes.count == 1
            }
            if first {
                startedContinuation.yield()
                release.wait()
            }
            return items
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            let caller = Task { try await batcher.submit(Array(0..<512)) }  // 16 chunks of 32
            for await _ in started { break }
            caller.cancel()  // runs the batcher's cancellation handler before returning
            release.signal()
            await #expect(throws: CancellationError.self) { _ = try await caller.value }
            batcher.stop()
            try await group.waitForAll()
        }
        #expect(chunks.sizes.withLock { $0 } == [32], "only the chunk in progress was computed")
    }
}

/// Waits until the batcher's queue holds `count` items: submissions are ordered by what the
/// batcher has accepted, not by a sleep. (It yields rather than sleeps; the suite's time limit
/// bounds it.)
private func queued(_ count: Int, in batcher: ComputeBatcher<Int, Int>) async {
    while batcher.queuedItemCount < count { await Task.yield() }
}
