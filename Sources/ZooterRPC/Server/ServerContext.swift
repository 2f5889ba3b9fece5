import Synchronization

/// What a handler knows about its call: the method, the caller's metadata and deadline, and
/// whether the call is still wanted. Shared between the event loop and the handler's task.
public final class ServerContext: Sendable {
    /// The `:path`, e.g. "/zooter.v1.Router/Route".
    public let path: String
    /// The caller's custom metadata.
    public let metadata: Metadata
    /// When the caller stops waiting (from `grpc-timeout`), if it set one.
    public let deadline: ContinuousClock.Instant?
    /// The caller's address ("127.0.0.1:53122"), for audit logs.
    public let peer: String
    /// The call's request id and trace context, for log lines about it.
    public let identity: RequestIdentity

    private struct State {
        var cancelled = false
        var trailers = Metadata()
        var waiter: CheckedContinuation<Void, Never>?
        var finished = false
    }
    private let state = Mutex(State())

    init(path: String, metadata: Metadata, deadline: ContinuousClock.Instant?, peer: String = "unknown") {
        self.peer = peer
        self.identity = RequestIdentity(metadata: metadata)
        self.path = path
        self.metadata = metadata
        self.deadline = deadline
    }

    /// True once the deadline passed, the client reset the stream or the connection dropped.
    /// Long handlers check it (or `Task.isCancelled`, which is set too) and stop early.
    public var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Adds trailing metadata sent with the status.
    public func addTrailer(_ name: String, _ value: String) {
        state.withLock { $0.trailers.add(name, value) }
    }

    var trailers: Metadata { state.withLock { $0.trailers } }

    /// Marks the call cancelled and wakes the executor so it cancels the handler's task.
    func cancel() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.cancelled = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// The handler returned: release anyone waiting for cancellation.
    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Suspends until the call is cancelled or finished.
    func cancelledOrFinished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.cancelled || state.finished { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }
}
