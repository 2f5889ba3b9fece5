/// Turns logged traffic — a reward only for the expert that answered, and the probability it was
/// chosen with — into the full reward vectors training needs, by the doubly robust estimate
///
///     r̂_j = μ_j + 1[j answered] · (r − μ_j) / p_j
///
/// where μ_j is expert j's self-normalised propensity-weighted mean reward (over the logged rows,
/// and over fully scored rows with weight 1). The correction term makes the estimate unbiased
/// when the propensities are the true selection probabilities; μ_j keeps the experts that did not
/// answer at their average instead of at zero. Weights 1/p are capped at `maxWeight`, trading a
/// little bias for bounded variance when an unlikely expert answered.
public enum LoggedRewards {
    public static let maxWeight = 20.0

    /// Fills `rewards` of every example that has `logged` rewards (others are left as they are).
    public static func complete(_ examples: inout [RoutingExample], expertCount: Int) {
        guard examples.contains(where: { $0.logged != nil }) else { return }
        var weighted = [Double](repeating: 0, count: expertCount), weights = [Double](repeating: 0, count: expertCount)
        for example in examples {
            if let logged = example.logged {
                for (index, observation) in logged {
                    let weight = min(maxWeight, 1 / observation.propensity)
                    weighted[index] += weight * observation.reward
                    weights[index] += weight
                }
            } else if let rewards = example.rewards {
                for index in rewards.indices { weighted[index] += rewards[index]; weights[index] += 1 }
            }
        }
        // An expert never observed gets the mean of the others' means.
        let observed = (0..<expertCount).filter { weights[$0] > 0 }.map { weighted[$0] / weights[$0] }
        let fallback = observed.isEmpty ? 0 : observed.reduce(0, +) / Double(observed.count)
        let means = (0..<expertCount).map { weights[$0] > 0 ? weighted[$0] / weights[$0] : fallback }
        for position in examples.indices {
            guard let logged = examples[position].logged else { continue }
            examples[position].rewards = means.indices.map { index in
                guard let observation = logged[index] else { return means[index] }
                return means[index] + min(maxWeight, 1 / observation.propensity) * (observation.reward - means[index])
            }
        }
    }
}
