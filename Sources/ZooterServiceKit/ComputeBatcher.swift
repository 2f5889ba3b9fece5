import CoreMetrics
public import NIOPosix
public import ServiceLifecycle
public import ZooterRPC
import Synchronization

/// Dynamic batching for compute-heavy calls: concurrent `submit` calls are gathered into one
/// batch (up to `maxBatch` items, waiting at most `maxWait` for more once one is queued) and
/// computed together on the compute pool, so the encoder's GEMMs run at batch efficiency.
///
/// Compute never runs on an event loop or the cooperative pool: it runs on `threadPool`, one
/// batch at a time (the encoder itself uses every core). The queue is bounded: beyond
/// `maxQueuedItems` callers get RESOURCE_EXHAUSTED instead of growing memory.
public final class ComputeBatcher<Input: Sendable, Output: Sendable>: Service, Sendable {
    public typealias Compute = @Sendable ([Input]) throws -> [Output]

    struct Pending {
        let id: Int
        let items: [Input]
        let continuation: CheckedContinuation<[Output], any Error>
    }

    struct State {
        var queue: [Pending] = []
        var queuedItems = 0
        var wakeUp: CheckedContinuation<Void, Never>?
        var stopped = false
        var nextID = 0
        /// Callers whose items are being computed, and those of them that were cancelled since.
        var computing: Set<Int> = []
        var abandoned: Set<Int> = []
    }

    /// Items computed per call of `compute`; between chunks the batcher checks whether anyone
    /// still waits, so a cancelled or timed-out batch stops within one chunk, not a whole batch.
    public static var computeChunk: Int { 32 }

    public let maxBatch: Int
    public let maxWait: Duration
    public let maxQueuedItems: Int
    let threadPool: NIOThreadPool
    let compute: Compute
    private let state = Mutex(State())
    private let batchSizes = Recorder(label: MetricCatalog.encoderBatchSize.name)
    private let batchDurations = Timer(label: MetricCatalog.encoderBatchDuration.name)

    public init(maxBatch: Int, maxWait: Duration, maxQueuedItems: Int, threadPool: NIOThreadPool, compute: @escaping Compute) {
        precondition(maxBatch > 0 && maxQueuedItems >= maxBatch, "batch limits must be positive and the queue must hold a batch")
        self.maxBatch = maxBatch
        self.maxWait = maxWait
        self.maxQueuedItems = maxQueuedItems
        self.threadPool = threadPool
        self.compute = compute
    }

    /// Items waiting in the queue (not yet taken into a batch).
    var queuedItemCount: Int { state.withLock { $0.queuedItems } }

    /// Computes `items` as part of the next batch; the outputs are in input order. A caller
    /// cancelled while its items still wait in the queue leaves it (no compute is wasted on it).
    public func submit(_ items: [Input]) async throws -> [Output] {
        if items.isEmpty { return [] }
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return try await withTaskCancellationHandler {
            try await enqueue(items, id: id)
        } onCancel: {
            let removed = state.withLock { state -> Pending? in
                guard let index = state.queue.firstIndex(where: { $0.id == id }) else {
                    // Being computed: `process` checks between chunks. Not queued and not being
                    // computed (not yet enqueued, or done): nothing to record.
                    if state.computing.contains(id) { state.abandoned.insert(id) }
                    return nil
                }
                state.queuedItems -= state.queue[index].items.count
                return state.queue.remove(at: index)
            }
            removed?.continuation.resume(throwing: CancellationError())
        }
    }

    private func enqueue(_ items: [Input], id: Int) async throws -> [Output] {
        try await withCheckedThrowingContinuation { continuation in
            if Task.isCancelled { return continuation.resume(throwing: CancellationError()) }
            let outcome = state.withLock { state -> (wake: CheckedContinuation<Void, Never>?, error: RPCError?) in
                if state.stopped {
                    return (nil, RPCError(code: .unavailable, message: "the server is shutting down; retry on another replica"))
                }
                if state.queuedItems + items.count > maxQueuedItems {
                    return (nil, RPCError(code: .resourceExhausted,
                                          message: "the compute queue is full (\(maxQueuedItems) items); retry with backoff"))
                }
                state.queue.append(Pending(id: id, items: items, continuation: continuation))
                state.queuedItems += items.count
                defer { state.wakeUp = nil }
                return (state.wakeUp, nil)
            }
            if let error = outcome.error { continuation.resume(throwing: error) }
            outcome.wake?.resume()
        }
    }

    public func run() async throws {
        await withTaskCancellationOrGracefulShutdownHandler {
            while let batch = await nextBatch() {
                await process(batch)
            }
        } onCancelOrGracefulShutdown: {
            self.stop()
        }
    }

    /// Stops taking work once the queue is drained.
    public func stop() {
        let wake = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.stopped = true
            defer { state.wakeUp = nil }
            return state.wakeUp
        }
        wake?.resume()
    }

    /// Waits for work, lingers up to `maxWait` for a fuller batch, then takes whole requests up
    /// to `maxBatch` items (a request larger than that is taken alone). Nil once stopped and empty.
    private func nextBatch() async -> [Pending]? {
        while true {
            let ready = state.withLock { state -> Bool? in
                if !state.queue.isEmpty { return true }
                return state.stopped ? nil : false
            }
            guard let ready else { return nil }
            if ready { break }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state -> Bool in
                    if !state.queue.isEmpty || state.stopped { return true }
                    state.wakeUp = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
        if maxWait > .zero, state.withLock({ $0.queuedItems < maxBatch && !$0.stopped }) {
            try? await Task.sleep(for: maxWait)
        }
        return state.withLock { state in
            var batch: [Pending] = []
            var count = 0
            while let first = state.queue.first, batch.isEmpty || count + first.items.count <= maxBatch {
                batch.append(state.queue.removeFirst())
                state.computing.insert(first.id)
                count += first.items.count
            }
            state.queuedItems -= count
            return batch
        }
    }

    private func process(_ batch: [Pending]) async {
        let inputs = batch.flatMap(\.items)
        let ids = Set(batch.map(\.id))
        defer {
            state.withLock { state in
                state.computing.subtract(ids)
                state.abandoned.subtract(ids)
            }
        }
        let result: Result<[Output], any Error>
        batchSizes.record(inputs.count)
        let started = ContinuousClock.now
        defer {
            let elapsed = (ContinuousClock.now - started).components
            batchDurations.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        }
        do {
            var outputs: [Output] = []
            outputs.reserveCapacity(inputs.count)
            for start in stride(from: 0, to: inputs.count, by: Self.computeChunk) {
                if state.withLock({ ids.isSubset(of: $0.abandoned) }) { throw CancellationError() }
                let chunk = Array(inputs[start..<min(start + Self.computeChunk, inputs.count)])
                outputs += try await threadPool.runIfActive { try self.compute(chunk) }
            }
            result = .success(outputs)
        } catch {
            result = .failure(error)
        }
        switch result {
        case .success(let outputs) where outputs.count == inputs.count:
            var offset = 0
            for pending in batch {
                pending.continuation.resume(returning: Array(outputs[offset..<(offset + pending.items.count)]))
                offset += pending.items.count
            }
        case .success(let outputs):
            let error = RPCError(code: .internal, message: "batch compute returned \(outputs.count) results for \(inputs.count) inputs")
            for pending in batch { pending.continuation.resume(throwing: error) }
        case .failure(let error):
            for pending in batch { pending.continuation.resume(throwing: error) }
        }
    }
}
