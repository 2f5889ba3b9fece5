import Foundation
import Synchronization

/// Helper threads that stay awake for a moment between parallel regions.
///
/// The encoder runs ~50 parallel regions per forward pass (each GEMM, attention, LayerNorm), and
/// for one short query each lasts tens of microseconds. `DispatchQueue.concurrentPerform` wakes
/// a parked worker for every region (~10 µs on this kind of VM), which cost a batch-of-one pass
/// about a fifth of its time. Here helpers spin for `spinWindow` after each region, so the next one
/// starts on both cores at once, and then park, so an idle service burns no CPU.
///
/// The caller always works too, and tasks are claimed dynamically, so it never waits for a helper
/// that has not started: when the caller runs out of tasks it closes the region, and a helper that
/// wakes later finds nothing to join. One region at a time: a second concurrent caller (evaluation
/// folds, two router batches) gets `false` from `run` and uses `concurrentPerform` instead.
///
/// `@unchecked Sendable`: all shared state is atomic or behind `wakeUp`, except `body`, which the
/// caller writes before opening the region's slots and clears after the last helper that claimed a
/// slot has left (`running` back to 0), and helpers read only after claiming a slot.
final class SpinningWorkerPool: @unchecked Sendable {
    /// One helper per core beyond the caller's.
    static let shared = SpinningWorkerPool(helpers: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// How long a helper spins for the next region before it parks.
    static let spinWindow: Duration = .microseconds(100)

    let helpers: Int
    private let busy = Atomic<Bool>(false)
    /// Bumped when a region is published; helpers spin or sleep on it.
    private let generation = Atomic<Int>(0)
    /// Helpers that may still join the current region (closed to 0 by the caller).
    private let openSlots = Atomic<Int>(0)
    /// Helpers inside the region (or deciding whether to join it).
    private let running = Atomic<Int>(0)
    private let sleepers = Atomic<Int>(0)
    private let wakeUp = NSCondition()
    /// The current region's body; written only while no helper can read it (see `run`).
    nonisolated(unsafe) private var body: (() -> Void)?

    private init(helpers: Int) {
        self.helpers = helpers
        for _ in 0..<helpers {
            // Named from inside: on Linux that is what reaches the kernel (top -H, perf, gdb).
            let thread = Thread { [unowned self] in
                Thread.current.name = "zooter-kernels"
                self.helperLoop()
            }
            thread.start()
        }
    }

    /// Runs `body` on the calling thread and on up to `extraWorkers` helpers, returning after all
    /// of them are done; `false` (nothing run) when the pool is in use or too small.
    func run(extraWorkers: Int, _ body: () -> Void) -> Bool {
        guard extraWorkers <= helpers,
              busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return false }
        withoutActuallyEscaping(body) { escapable in
            self.body = escapable
            openSlots.store(extraWorkers, ordering: .sequentiallyConsistent)
            generation.add(1, ordering: .sequentiallyConsistent)
            if sleepers.load(ordering: .sequentiallyConsistent) > 0 {
                wakeUp.lock()
                wakeUp.broadcast()
                wakeUp.unlock()
            }
            escapable()
            // Close the region; then wait only for helpers already inside it.
            openSlots.store(0, ordering: .sequentiallyConsistent)
            var spins = 0
            while running.load(ordering: .sequentiallyConsistent) > 0 {
                spins += 1
                if spins % 1024 == 0 { sched_yield() }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
        return true
    }

    private func helperLoop() {
        var seen = generation.load(ordering: .sequentiallyConsistent)
        let clock = ContinuousClock()
        while true {
            var deadline = clock.now.advanced(by: Self.spinWindow)
            var spins = 0
            while generation.load(ordering: .sequentiallyConsistent) == seen {
                spins += 1
                guard spins % 256 == 0, clock.now >= deadline else { continue }
                park(unlessPast: seen)
                deadline = clock.now.advanced(by: Self.spinWindow)
            }
            seen = generation.load(ordering: .sequentiallyConsistent)
            running.add(1, ordering: .sequentiallyConsistent)
            if claimSlot(), let body { body() }
            running.subtract(1, ordering: .sequentiallyConsistent)
        }
    }

    /// Takes one of the open slots of the current region, if any is left.
    private func claimSlot() -> Bool {
        var slots = openSlots.load(ordering: .sequentiallyConsistent)
        while slots > 0 {
            let (exchanged, current) = openSlots.compareExchange(
                expected: slots, desired: slots - 1, ordering: .sequentiallyConsistent)
            if exchanged { return true }
            slots = current
        }
        return false
    }

    /// Blocks until every helper is parked (returns at once without helpers). For tests of the
    /// wake-up path: the next region then has to wake them.
    func waitUntilAllParked() {
        wakeUp.lock()
        while sleepers.load(ordering: .sequentiallyConsistent) < helpers { wakeUp.wait() }
        wakeUp.unlock()
    }

    /// Sleeps until a region newer than `seen` is published.
    private func park(unlessPast seen: Int) {
        wakeUp.lock()
        sleepers.add(1, ordering: .sequentiallyConsistent)
        // Tells `waitUntilAllParked` (parking is rare: once per idle spell per helper; any other
        // parked helper woken by it re-checks the generation and waits again).
        wakeUp.broadcast()
        while generation.load(ordering: .sequentiallyConsistent) == seen { wakeUp.wait() }
        sleepers.subtract(1, ordering: .sequentiallyConsistent)
        wakeUp.unlock()
    }
}
