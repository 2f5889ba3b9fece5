import Testing
@testable import ZooterGateway

@Suite struct CircuitBreakerTests {
    @Test func opensAfterConsecutiveFailuresThenProbesOnce() async throws {
        let breaker = CircuitBreaker(threshold: 3, openDuration: .milliseconds(200))
        breaker.recordFailure()
        breaker.recordFailure()
        breaker.recordSuccess()  // a success resets the count
        breaker.recordFailure()
        breaker.recordFailure()
        #expect(breaker.allowRequest() && !breaker.isOpen)
        breaker.recordFailure()
        #expect(breaker.isOpen && !breaker.allowRequest())
        try await Task.sleep(for: .milliseconds(250))
        #expect(breaker.allowRequest(), "one probe after the open time")
        #expect(!breaker.allowRequest(), "only one probe at a time")
        breaker.recordFailure()
        #expect(!breaker.allowRequest(), "a failed probe opens the circuit again")
        try await Task.sleep(for: .milliseconds(250))
        #expect(breaker.allowRequest())
        breaker.recordSuccess()
        #expect(!breaker.isOpen && breaker.allowRequest() && breaker.allowRequest())
    }

    @Test func anAbandonedProbeLetsTheNextRequestProbe() async throws {
        let breaker = CircuitBreaker(threshold: 1, openDuration: .milliseconds(50))
        breaker.recordFailure()
        try await Task.sleep(for: .milliseconds(80))
        #expect(breaker.allowRequest())
        breaker.recordAbandoned()
        #expect(breaker.allowRequest())
    }
}
