import Foundation

/// The operating points swept by `evaluate --costs`: every router's choices for the test rows at
/// each point of a fixed grid, scored afterwards on the rows' realised rewards and costs.
public enum CostSweep {
    /// The routers swept.
    public enum Method: String, Codable, Sendable, CaseIterable, Comparable {
        /// The ZOOTER head through `RoutingDecision.decide` (the `Route` rule): λ × threshold.
        case zooter
        /// kNN: argmax over experts of (neighbours' mean reward − λ·cost).
        case knn
        /// RouteLLM-style: a classifier predicts whether the cheapest expert does as well as the
        /// best single one; the cheap expert is used when that probability reaches the threshold.
        case twoModel

        public static func < (lhs: Method, rhs: Method) -> Bool {
            allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
        }
    }

    /// Cost weights λ (costs are relative to the most expensive expert, so λ is in probability
    /// per "most expensive expert"): 0, then 24 values spaced evenly in log from 0.003 to 30.
    public static let lambdas: [Double] = [0] + (0..<24).map { 0.003 * pow10(Double($0) * 4 / 23) }

    /// Confidence thresholds combined with every λ for ZOOTER (0 = off; below the threshold the
    /// fallback, the training folds' best single expert, is chosen).
    public static let thresholds: [Double] = [0, 0.25, 0.5, 0.75]

    /// Thresholds on P(cheap expert is enough) for the two-model router: 0 (always cheap) to 1 in
    /// steps of 0.05, then 1.01 (always the strong one).
    public static let twoModelThresholds: [Double] = (0...20).map { Double($0) / 20 } + [1.01]

    /// A human-readable label of point `index` of `method`'s sweep.
    public static func label(_ method: Method, point index: Int) -> String {
        switch method {
        case .zooter:
            let lambda = lambdas[index % lambdas.count], threshold = thresholds[index / lambdas.count]
            return "λ=\(format(lambda)) threshold=\(format(threshold))"
        case .knn:
            return "λ=\(format(lambdas[index]))"
        case .twoModel:
            return "P(cheap enough)≥\(format(twoModelThresholds[index]))"
        }
    }

    static func format(_ value: Double) -> String {
        value == 0 ? "0" : String(format: value < 0.1 ? "%.3g" : "%.2f", value)
    }

    private static func pow10(_ x: Double) -> Double { exp(x * log(10)) }
}
