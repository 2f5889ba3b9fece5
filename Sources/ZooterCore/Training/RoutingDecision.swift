/// The one routing decision: from a head's probabilities to a ranking and a choice. `Route`,
/// `RouteBatch` and evaluation (`RoutingPolicy.choose`) all call `decide`, so the figures we
/// report are exactly what the router serves.
///
/// Rules (documented in router.proto):
/// - only allowed experts are ranked (all when `allowed` is nil), their probabilities
///   renormalised to sum to 1 over them;
/// - score = probability − λ·cost; best score first; ties go to the lower index (manifest order);
/// - when `threshold` > 0 and the top allowed probability is below it, the choice is `fallback`
///   if that expert is allowed (the ranking itself is unchanged).
public struct RoutingDecision: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// Index into the model's experts (manifest order).
        public var expert: Int
        public var probability: Double
        public var cost: Double
        public var score: Double
    }

    /// Allowed experts, best first.
    public var ranked: [Entry]
    /// The expert to call (an index into the model's experts).
    public var chosen: Int
    /// True when `chosen` is the fallback because the top probability was under the threshold.
    public var fallbackUsed: Bool

    /// - Parameters:
    ///   - probabilities: one probability per expert (a softmax row).
    ///   - costs: one cost per expert, or empty for all zero.
    ///   - allowed: `allowed[i]` says whether expert i may be ranked; nil for all. At least one
    ///     must be allowed.
    public static func decide(probabilities: ArraySlice<Float>, costs: [Double] = [], costWeight: Double = 0,
                              allowed: [Bool]? = nil, threshold: Double = 0, fallback: Int? = nil) -> RoutingDecision {
        let n = probabilities.count
        precondition(costs.isEmpty || costs.count == n, "one cost per expert")
        precondition(allowed.map { $0.count == n && $0.contains(true) } ?? true, "at least one allowed expert")
        var total = 0.0
        for i in 0..<n where allowed?[i] ?? true { total += Double(probabilities[probabilities.startIndex + i]) }
        var ranked: [Entry] = []
        ranked.reserveCapacity(n)
        let allowedCount = allowed?.lazy.filter { $0 }.count ?? n
        for i in 0..<n where allowed?[i] ?? true {
            let raw = Double(probabilities[probabilities.startIndex + i])
            // A row that underflowed to zero over the allowed experts counts as uniform.
            let p = total > 0 ? raw / total : 1 / Double(allowedCount)
            let cost = costs.isEmpty ? 0 : costs[i]
            ranked.append(Entry(expert: i, probability: p, cost: cost, score: p - costWeight * cost))
        }
        ranked.sort { $0.score != $1.score ? $0.score > $1.score : $0.expert < $1.expert }
        let top = ranked.lazy.map(\.probability).max() ?? 0
        if threshold > 0, top < threshold, let fallback, allowed?[fallback] ?? true {
            return RoutingDecision(ranked: ranked, chosen: fallback, fallbackUsed: true)
        }
        return RoutingDecision(ranked: ranked, chosen: ranked[0].expert, fallbackUsed: false)
    }
}
