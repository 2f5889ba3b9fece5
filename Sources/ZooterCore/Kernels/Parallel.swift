import Dispatch
import Synchronization

/// Work distribution across worker threads.
///
/// ZooterCore is synchronous: compute runs on the caller and `SpinningWorkerPool` helpers (or
/// `DispatchQueue.concurrentPerform` workers when those are taken), and the caller blocks until all
/// finish; never on an async executor (the services decide scheduling: they run it on their
/// compute pools). Work is cut into more tasks than threads and claimed dynamically from a shared
/// counter, so a worker descheduled on a busy 2-core machine does not leave the other idle at a
/// static split point.
enum Parallel {
    /// Runs `body(task)` for every task in `0..<count` on at most `threads` workers. With one
    /// worker the tasks run inline on the calling thread, in order.
    static func forEachTask(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        forEachWorker(taskCount: count, threads: threads) { claim in
            while let task = claim() { body(task) }
        }
    }

    /// Runs `worker` on at most `threads` threads; each calls `claim()` for its next task index
    /// until it returns nil. Lets a worker set up per-thread scratch once for many tasks.
    static func forEachWorker(taskCount count: Int, threads: Int, _ worker: (_ claim: () -> Int?) -> Void) {
        guard count > 0 else { return }
        let workers = max(1, min(threads, count))
        let counter = TaskCounter()
        let claim: @Sendable () -> Int? = {
            let task = counter.next.add(1, ordering: .relaxed).oldValue
            return task < count ? task : nil
        }
        if workers == 1 {
            worker(claim)
            return
        }
        withoutActuallyEscaping(worker) { escapable in
            let box = WorkerBody(run: escapable)
            // Helpers kept warm between regions; concurrentPerform when they are taken.
            guard !SpinningWorkerPool.shared.run(extraWorkers: workers - 1, { box.run(claim) }) else { return }
            DispatchQueue.concurrentPerform(iterations: workers) { _ in box.run(claim) }
        }
    }

    /// The `index`-th of `parts` contiguous near-equal ranges covering `0..<count`.
    static func chunkRange(_ index: Int, of parts: Int, count: Int) -> Range<Int> {
        let base = count / parts, extra = count % parts
        let start = index * base + min(index, extra)
        return start..<(start + base + (index < extra ? 1 : 0))
    }
}

private final class TaskCounter: Sendable {
    let next = Atomic<Int>(0)
}

/// Carries a non-Sendable worker body into `concurrentPerform`'s `@Sendable` closure.
///
/// `@unchecked Sendable` justification: `concurrentPerform` and `SpinningWorkerPool.run` are
/// synchronous — each returns only after every worker finished — so the body never outlives the
/// `forEachTask` call, and every caller in Kernels/ gives each task a disjoint output region
/// (row × column-panel blocks, rows, or (sequence, head) pairs) while inputs are only read. The
/// captured buffer pointers are therefore never raced on.
private struct WorkerBody: @unchecked Sendable {
    let run: (() -> Int?) -> Void
}
