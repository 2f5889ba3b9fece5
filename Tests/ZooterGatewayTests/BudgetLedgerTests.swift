import HTTPTypes
import Testing
@testable import ZooterGateway

@Suite struct BudgetLedgerTests {
    @Test func requestBudgetsRefuseWithRetryAfterAndResetWithTheWindow() throws {
        let tenant = Tenant(name: "t", keyDigest: "", costWeight: 0, allowedExperts: nil,
                            budget: Tenant.Budget(window: .milliseconds(300), maxRequests: 2, maxCostUSD: nil))
        let clock = ManualClock()
        let ledger = BudgetLedger(now: clock.now)
        #expect(ledger.admit(tenant) == nil && ledger.admit(tenant) == nil)
        let refusal = try #require(ledger.admit(tenant))
        #expect(refusal.status == .tooManyRequests && refusal.code == "rate_limit_exceeded" && (refusal.retryAfterSeconds ?? 0) >= 1)
        clock.advance(by: .milliseconds(299))
        #expect(ledger.admit(tenant) != nil, "still the same window")
        clock.advance(by: .milliseconds(1))
        #expect(ledger.admit(tenant) == nil, "a new window")
    }

    @Test func costBudgetsCountEstimatedSpend() {
        let tenant = Tenant(name: "t", keyDigest: "", costWeight: 0, allowedExperts: nil,
                            budget: Tenant.Budget(window: .seconds(60), maxRequests: nil, maxCostUSD: 0.01))
        let other = Tenant(name: "u", keyDigest: "", costWeight: 0, allowedExperts: nil,
                           budget: Tenant.Budget(window: .seconds(60), maxRequests: nil, maxCostUSD: 0.01))
        let ledger = BudgetLedger()
        #expect(ledger.admit(tenant) == nil)
        ledger.charge(tenant, costUSD: 0.006)
        #expect(ledger.admit(tenant) == nil)
        ledger.charge(tenant, costUSD: 0.006)
        #expect(ledger.admit(tenant)?.code == "insufficient_quota")
        #expect(ledger.admit(other) == nil, "budgets are per tenant")
        #expect(ledger.admit(.anonymous) == nil)
    }
}
