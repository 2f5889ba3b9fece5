import Synchronization

/// A time source the test moves by hand, so that windows and open circuits expire without waiting.
final class ManualClock: Sendable {
    private let offset = Mutex<Duration>(.zero)
    private let start = ContinuousClock.now

    func advance(by duration: Duration) { offset.withLock { $0 += duration } }

    var now: @Sendable () -> ContinuousClock.Instant {
        { [self] in start + offset.withLock { $0 } }
    }
}
