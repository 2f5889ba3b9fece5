import Foundation

/// Reward against cost for every swept router (`evaluate --costs`), out of fold, averaged over
/// queries and seeds. Costs are each query's realised cost of the chosen expert when the dataset
/// has them, else the expert's price or size proxy (`basis` says which).
public struct CostAnalysis: Codable, Sendable, Equatable {
    /// Where the decision costs (what λ multiplies) and the reported costs came from.
    public var basis: String
    /// Unit of every `meanCost`.
    public var unit: String
    /// Every single expert as a point (always routing to it).
    public var singles: [CostPoint]
    /// The cheapest single expert's point and the best single expert's (by mean reward).
    public var cheapest: CostPoint
    public var bestSingle: CostPoint
    public var curves: [CostCurve]
}

public struct CostPoint: Codable, Sendable, Equatable {
    public var label: String
    public var meanCost: Double
    public var meanReward: Double
}

/// One router's sweep and the figures read off its upper envelope (the best reward reachable at
/// or below each cost).
public struct CostCurve: Codable, Sendable, Equatable {
    public var method: String
    public var points: [CostPoint]
    /// The Pareto frontier: points not beaten on both cost and reward, cost ascending.
    public var frontier: [CostPoint]
    /// The lowest mean cost at which the router's reward reaches the best single expert's
    /// (point estimate); nil when it never does.
    public var costToMatchBestSingle: Double?
    /// The best mean reward at a mean cost no higher than the cheapest expert's; nil when every
    /// point costs more.
    public var bestRewardWithinCheapestCost: Double?
    /// Mean, over log cost from the cheapest to the most expensive single expert's mean cost, of
    /// the best reward reachable at or below that cost (the cheapest expert's reward where the
    /// router has no cheaper point). Higher is better; comparable across routers on one dataset.
    public var logCostAUC: Double

    public init(method: String, points: [CostPoint], cheapest: CostPoint, bestSingle: CostPoint, mostExpensiveCost: Double) {
        self.method = method
        self.points = points
        let sorted = points.sorted { $0.meanCost != $1.meanCost ? $0.meanCost < $1.meanCost : $0.meanReward > $1.meanReward }
        var frontier: [CostPoint] = []
        for point in sorted where point.meanReward > (frontier.last?.meanReward ?? -.infinity) { frontier.append(point) }
        self.frontier = frontier
        costToMatchBestSingle = frontier.first { $0.meanReward >= bestSingle.meanReward - 1e-12 }?.meanCost
        bestRewardWithinCheapestCost = frontier.last { $0.meanCost <= cheapest.meanCost * (1 + 1e-9) }?.meanReward
        logCostAUC = Self.logCostArea(frontier: frontier, floor: cheapest, low: cheapest.meanCost, high: mostExpensiveCost)
    }

    /// ∫ best-reward-at-or-below(c) d log c over [low, high], divided by log(high/low).
    static func logCostArea(frontier: [CostPoint], floor: CostPoint, low: Double, high: Double) -> Double {
        guard low > 0, high > low else { return frontier.last?.meanReward ?? floor.meanReward }
        func reward(at cost: Double) -> Double {
            frontier.last { $0.meanCost <= cost * (1 + 1e-12) }?.meanReward ?? floor.meanReward
        }
        // Breakpoints: the frontier's costs inside (low, high); the envelope is flat between them.
        let cuts = [low] + frontier.map(\.meanCost).filter { $0 > low && $0 < high } + [high]
        var area = 0.0
        for (a, b) in zip(cuts, cuts.dropFirst()) { area += reward(at: a) * log(b / a) }
        return area / log(high / low)
    }
}
