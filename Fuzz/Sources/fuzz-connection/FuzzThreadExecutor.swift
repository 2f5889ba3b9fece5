import Foundation

/// A task executor that runs jobs only when the fuzzing thread asks it to.
///
/// Why: the connection runs on an `EmbeddedEventLoop`, which may only be touched from the thread
/// that created it, and handlers hop back to "their loop" (`loop.execute`, `loop.submit`) when
/// they finish. Running the dispatcher with this executor as its task-executor preference keeps
/// every handler task (children inherit the preference) on the fuzzing thread, interleaved with
/// the loop by `pump`: deterministic, race-free, and nothing left running when an input is done.
/// Other threads (the compute pool finishing a batch) only enqueue here.
final class FuzzThreadExecutor: TaskExecutor, @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs queued jobs, and those they enqueue, until none is left; true if any ran.
    func runQueued() -> Bool {
        var ran = false
        while true {
            condition.lock()
            let batch = jobs
            jobs.removeAll()
            condition.unlock()
            guard !batch.isEmpty else { return ran }
            ran = true
            for job in batch { job.runSynchronously(on: asUnownedTaskExecutor()) }
        }
    }

    /// Waits until another thread enqueues a job, or `seconds` pass.
    func waitForJob(seconds: TimeInterval) {
        condition.lock()
        if jobs.isEmpty { _ = condition.wait(until: Date(timeIntervalSinceNow: seconds)) }
        condition.unlock()
    }
}
