import Synchronization

/// One expert's circuit breaker. After `threshold` consecutive failures the circuit opens: the
/// expert is skipped (the request goes down the ranking) for `openDuration`; then one request is
/// let through as a probe, and its outcome closes the circuit or opens it again. It spares a dead
/// upstream the traffic and the callers the timeouts.
final class CircuitBreaker: Sendable {
    enum State: Sendable, Equatable {
        case closed(failures: Int)
        case open(until: ContinuousClock.Instant)
        /// The probe is in flight; others skip the expert until it returns.
        case probing
    }

    let threshold: Int
    let openDuration: Duration
    private let state = Mutex<State>(.closed(failures: 0))
    /// The time source; tests pass one they move by hand.
    private let now: @Sendable () -> ContinuousClock.Instant

    init(threshold: Int, openDuration: Duration, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.threshold = threshold
        self.openDuration = openDuration
        self.now = now
    }

    /// Whether a request may go to the expert now (an open circuit past its time admits one probe).
    func allowRequest() -> Bool {
        let now = self.now()
        return state.withLock { state in
            switch state {
            case .closed: return true
            case .probing: return false
            case .open(let until):
                guard now >= until else { return false }
                state = .probing
                return true
            }
        }
    }

    func recordSuccess() {
        state.withLock { $0 = .closed(failures: 0) }
    }

    func recordFailure() {
        let now = self.now()
        state.withLock { state in
            switch state {
            case .closed(let failures):
                state = failures + 1 >= threshold ? .open(until: now + openDuration) : .closed(failures: failures + 1)
            case .probing, .open:
                state = .open(until: now + openDuration)
            }
        }
    }

    /// A call that was let through ended without telling anything about the expert (the
    /// client left): a probe gives its place to the next request.
    func recordAbandoned() {
        state.withLock { state in
            if state == .probing { state = .open(until: now()) }
        }
    }

    /// Whether the expert is being skipped now (for the metrics gauge).
    var isOpen: Bool {
        state.withLock { if case .closed = $0 { false } else { true } }
    }
}
