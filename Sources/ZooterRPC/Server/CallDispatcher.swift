import Synchronization

/// Runs handlers off the event loops, as children of the server's task group, and bounds how
/// many calls may be queued or running at once.
final class CallDispatcher: Sendable {
    typealias Job = @Sendable () async -> Void

    enum Admission { case accepted, overloaded, stopped }

    let maxInFlight: Int
    private let inFlight = Atomic<Int>(0)
    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    init(maxInFlight: Int) {
        self.maxInFlight = maxInFlight
        (jobs, continuation) = AsyncStream.makeStream(of: Job.self)
    }

    /// Calls queued or running right now.
    var inFlightCount: Int { inFlight.load(ordering: .relaxed) }

    /// Queues a job unless the server is at its in-flight bound or no longer running. Long-lived
    /// jobs (watches) are bounded by their own caps (`ServerBudget`) and do not count here, so
    /// idle watches cannot use up the calls that real work needs.
    func submit(longLived: Bool = false, _ job: @escaping Job) -> Admission {
        if longLived {
            return continuation.yield(job).isEnqueued ? .accepted : .stopped
        }
        if inFlight.add(1, ordering: .relaxed).newValue > maxInFlight {
            inFlight.subtract(1, ordering: .relaxed)
            return .overloaded
        }
        let counted: Job = { [self] in
            await job()
            inFlight.subtract(1, ordering: .relaxed)
        }
        guard continuation.yield(counted).isEnqueued else {
            inFlight.subtract(1, ordering: .relaxed)
            return .stopped
        }
        return .accepted
    }

    /// Runs jobs until `stop()` and then until every accepted job has finished.
    func run() async {
        await withDiscardingTaskGroup { group in
            for await job in jobs {
                group.addTask { await job() }
            }
        }
    }

    /// No new jobs; `run()` returns once the accepted ones finish.
    func stop() {
        continuation.finish()
    }
}

extension AsyncStream.Continuation.YieldResult {
    var isEnqueued: Bool {
        if case .enqueued = self { return true }
        return false
    }
}
