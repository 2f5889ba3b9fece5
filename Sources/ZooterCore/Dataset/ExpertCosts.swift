/// The cost of asking each expert one query, as the router weighs it, and where the figure came
/// from. `relative` is what `Route`'s cost weight λ multiplies (score = probability − λ·cost):
/// each expert's cost divided by the most expensive expert's, so λ = 0.1 means "give up 0.1 of
/// probability to avoid the most expensive expert" on any price scale.
public struct ExpertCosts: Sendable, Equatable {
    public enum Basis: String, Codable, Sendable {
        /// `cost_usd_per_query` in experts.json for every expert.
        case price
        /// The mean realised cost of the dataset's rows (`costs` on every line).
        case realised
        /// Parameter counts from experts.json; experts of unknown size count as the largest.
        case sizeProxy
        /// Nothing known: every expert costs 0 and λ has no effect.
        case unknown

        public var explanation: String {
            switch self {
            case .price: return "USD per query from experts.json"
            case .realised: return "mean realised USD per query of the dataset's rows"
            case .sizeProxy: return "size proxy: parameter count from experts.json (unknown sizes count as the largest); no prices known"
            case .unknown: return "unknown: no prices, realised costs or sizes; all experts cost 0"
            }
        }
    }

    /// Per expert, in USD per query, when the basis is a price or realised costs.
    public var usdPerQuery: [Double]?
    /// Per expert, cost relative to the most expensive expert (in [0, 1]).
    public var relative: [Double]
    public var basis: Basis

    public init(usdPerQuery: [Double]?, relative: [Double], basis: Basis) {
        self.usdPerQuery = usdPerQuery
        self.relative = relative
        self.basis = basis
    }

    /// The best basis the dataset offers: prices, else realised costs over `rows` (all rows when
    /// nil), else sizes.
    public static func of(_ dataset: RoutingDataset, rows: [Int]? = nil) -> ExpertCosts {
        if let facts = dataset.expertFacts, facts.allSatisfy({ $0.costUSDPerQuery != nil }) {
            let usd = facts.map { $0.costUSDPerQuery ?? 0 }
            return ExpertCosts(usdPerQuery: usd, relative: scaled(usd), basis: .price)
        }
        if let realised = realised(dataset, rows: rows) { return realised }
        if let facts = dataset.expertFacts, facts.contains(where: { $0.parametersBillions != nil }) {
            let largest = facts.compactMap(\.parametersBillions).max() ?? 1
            let sizes = facts.map { $0.parametersBillions ?? largest }
            return ExpertCosts(usdPerQuery: nil, relative: scaled(sizes), basis: .sizeProxy)
        }
        return ExpertCosts(usdPerQuery: nil, relative: [Double](repeating: 0, count: dataset.experts.count), basis: .unknown)
    }

    /// Mean realised cost over `rows` (all when nil), or nil unless every line has costs.
    /// Evaluation uses this on the training rows only, so no test row's cost steers a decision.
    public static func realised(_ dataset: RoutingDataset, rows: [Int]? = nil) -> ExpertCosts? {
        guard dataset.hasAllCosts else { return nil }
        let rows = rows ?? Array(0..<dataset.count)
        var usd = [Double](repeating: 0, count: dataset.experts.count)
        for r in rows { for (x, c) in (dataset.examples[r].costs ?? []).enumerated() { usd[x] += c } }
        usd = usd.map { $0 / Double(max(rows.count, 1)) }
        return ExpertCosts(usdPerQuery: usd, relative: scaled(usd), basis: .realised)
    }

    /// Values over the largest (all 0 when the largest is 0).
    static func scaled(_ values: [Double]) -> [Double] {
        let largest = values.max() ?? 0
        return values.map { largest > 0 ? $0 / largest : 0 }
    }
}
