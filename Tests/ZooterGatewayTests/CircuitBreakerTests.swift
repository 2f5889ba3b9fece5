import Testing
@testable import ZooterGateway

@Suite struct CircuitBreakerTests {
    @Test func opensAfterConsecutiveFailuresThenProbesOnce() {
        let clock = ManualClock()
        let breaker = CircuitBreaker(threshold: 3, openDuration: .milliseconds(200), now: clock.now)
        breaker.recordFailure()
        breaker.recordFailure()
        breaker.recordSuccess()  // a success resets the count
        breaker.recordFailure()
        breaker.recordFailure()
        #expect(breaker.allowRequest() && !breaker.isOpen)
        breaker.recordFailure()
        #expect(breaker.isOpen && !breaker.allowRequest())
        clock.advance(by: .milliseconds(199))
        #expect(!breaker.allowRequest(), "still open")
        clock.advance(by: .milliseconds(1))
        #expect(breaker.allowRequest(), "one probe after the open time")
        #expect(!breaker.allowRequest(), "only one probe at a time")
        breaker.recordFailure()
        #expect(!breaker.allowRequest(), "a failed probe opens the circuit again")
        clock.advance(by: .milliseconds(200))
        #expect(breaker.allowRequest())
        breaker.recordSuccess()
        #expect(!breaker.isOpen && breaker.allowRequest() && breaker.allowRequest())
    }

    @Test func anAbandonedProbeLetsTheNextRequestProbe() {
        let clock = ManualClock()
        let breaker = CircuitBreaker(threshold: 1, openDuration: .milliseconds(50), now: clock.now)
        breaker.recordFailure()
        clock.advance(by: .milliseconds(50))
        #expect(breaker.allowRequest())
        breaker.recordAbandoned()
        #expect(breaker.allowRequest())
    }
}
