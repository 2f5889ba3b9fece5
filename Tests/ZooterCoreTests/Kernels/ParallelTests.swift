import Dispatch
import Synchronization
import Testing
@testable import ZooterCore

/// Work distribution: every task runs exactly once, whether the helpers are spinning, parked, or
/// taken by another caller (then `concurrentPerform` runs the region).
@Suite("Parallel regions")
struct ParallelTests {
    final class Counter: Sendable { let value = Atomic<Int>(0) }

    /// Runs `count` tasks and returns how often each ran.
    static func runCounts(_ count: Int, threads: Int) -> [Int] {
        let hits = (0..<count).map { _ in Counter() }
        Parallel.forEachTask(count, threads: threads) { task in hits[task].value.add(1, ordering: .relaxed) }
        return hits.map { $0.value.load(ordering: .relaxed) }
    }

    @Test func backToBackRegionsRunEveryTaskOnce() {
        for round in 0..<2_000 {
            let count = 1 + round % 37
            #expect(Self.runCounts(count, threads: 2) == Array(repeating: 1, count: count), "round \(round)")
        }
    }

    @Test func regionsAfterTheHelpersParkedStillComplete() {
        for _ in 0..<5 {
            // The helpers are asleep when the next region starts (other suites may wake them in
            // between; the count must be right either way).
            SpinningWorkerPool.shared.waitUntilAllParked()
            #expect(Self.runCounts(64, threads: 2) == Array(repeating: 1, count: 64))
        }
    }

    @Test func concurrentCallersEachGetTheirRegion() {
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for _ in 0..<300 where Self.runCounts(50, threads: 2) != Array(repeating: 1, count: 50) {
                failures.value.add(1, ordering: .relaxed)
            }
        }
        #expect(failures.value.load(ordering: .relaxed) == 0)
    }

    @Test func moreThreadsThanHelpersFallBack() {
        #expect(Self.runCounts(100, threads: 8) == Array(repeating: 1, count: 100))
    }
}
