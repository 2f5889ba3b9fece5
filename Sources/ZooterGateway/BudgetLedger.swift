import HTTPTypes
import Synchronization

/// What each tenant has used in its current budget window. Fixed windows, per gateway replica
/// (N replicas admit up to N × the budget; docs/gateway.md says so). Requests are counted when
/// admitted; estimated cost is charged when an answer arrives, so a tenant may overshoot its
/// cost budget by the requests already in flight when it was reached.
final class BudgetLedger: Sendable {
    private struct Usage {
        var windowStart: ContinuousClock.Instant
        var requests = 0
        var costUSD = 0.0
    }
    private let usage = Mutex<[String: Usage]>([:])
    /// The time source; tests pass one they move by hand.
    private let now: @Sendable () -> ContinuousClock.Instant

    init(now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.now = now
    }

    /// Admits one request of `tenant`, or says when its window resets.
    func admit(_ tenant: Tenant) -> OpenAIError? {
        guard let budget = tenant.budget else { return nil }
        let now = self.now()
        return usage.withLock { table -> OpenAIError? in
            var entry = table[tenant.name] ?? Usage(windowStart: now)
            if now - entry.windowStart >= budget.window { entry = Usage(windowStart: now) }
            let remaining = budget.window - (now - entry.windowStart)
            let retryAfter = max(1, Int(remaining.components.seconds) + 1)
            if let maxRequests = budget.maxRequests, entry.requests >= maxRequests {
                return OpenAIError(.tooManyRequests, "tenant \(tenant.name) has used its \(maxRequests) requests for this window; retry after \(retryAfter) s",
                                   type: "rate_limit_error", code: "rate_limit_exceeded", retryAfterSeconds: retryAfter)
            }
            if let maxCost = budget.maxCostUSD, entry.costUSD >= maxCost {
                return OpenAIError(.tooManyRequests, "tenant \(tenant.name) has used its estimated cost budget of \(maxCost) USD for this window; retry after \(retryAfter) s",
                                   type: "rate_limit_error", code: "insufficient_quota", retryAfterSeconds: retryAfter)
            }
            entry.requests += 1
            table[tenant.name] = entry
            return nil
        }
    }

    /// Adds the estimated cost of an answered request to `tenant`'s window.
    func charge(_ tenant: Tenant, costUSD: Double) {
        guard tenant.budget != nil, costUSD > 0 else { return }
        usage.withLock { table in table[tenant.name]?.costUSD += costUSD }
    }
}
