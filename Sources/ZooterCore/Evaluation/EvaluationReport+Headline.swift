import Foundation

extension EvaluationReport {
    /// The few lines a person reads first: the trained router against always using the best
    /// single model and against the per-query oracle (the ceiling), with the paired-bootstrap
    /// confidence interval that says whether the difference is real.
    public func headline() -> String {
        let bestExpert = dataset.expertMeanReward.indices.max { dataset.expertMeanReward[$0] < dataset.expertMeanReward[$1] }
            .map { dataset.experts[$0] } ?? "?"
        let shown: [(RoutingMethod, String)] = [
            (.zooter, "zooter (this router)"), (.bestSingle, "always \(bestExpert)"), (.knn, "kNN peer"), (.oracle, "oracle (ceiling)"),
        ]
        let rows = shown.compactMap { method, label in methods.first { $0.method == method }.map { (label, $0) } }
        let width = max(24, rows.map(\.0.count).max() ?? 0)
        func pad(_ text: String) -> String { text + String(repeating: " ", count: max(0, width - text.count)) }
        var lines = ["\(dataset.queries) queries × \(dataset.experts.count) experts, \(configuration.folds)-fold cross-validation × \(configuration.seeds.count) seed(s); reward of the chosen expert:",
                     "  \(pad("method"))  mean reward  Δ vs best single [95% CI]"]
        for (label, m) in rows {
            let delta = m.method == .bestSingle ? "" :
                String(format: "%+.4f", m.deltaVsBestSingle) + (m.deltaCI95.count == 2 ? String(format: " [%+.4f, %+.4f]", m.deltaCI95[0], m.deltaCI95[1]) : "")
            lines.append("  \(pad(label))  " + String(format: "%11.4f", m.meanReward) + "  \(delta)")
        }
        if let zooter = methods.first(where: { $0.method == .zooter }), zooter.deltaCI95.count == 2 {
            let verdict = zooter.deltaCI95[0] > 0 ? "better than always using the best single model (the interval excludes 0)"
                : zooter.deltaCI95[1] < 0 ? "worse than always using the best single model"
                : "not distinguishable from always using the best single model on this data"
            lines.append("  → the router is \(verdict)")
        }
        return lines.joined(separator: "\n")
    }
}
