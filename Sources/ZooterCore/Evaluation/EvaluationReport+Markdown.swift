import Foundation

extension EvaluationReport {
    /// Human-readable tables: methods overall, then mean reward per source.
    public func markdownSummary() -> String {
        var lines: [String] = []
        lines.append("dataset \(dataset.name) (\(dataset.queries) queries, \(dataset.experts.count) experts, \(dataset.fingerprint)); encoder \(encoder)")
        lines.append("\(configuration.folds)-fold CV x \(configuration.seeds.count) seeds; tags \(configuration.tagSource)")
        lines.append("")
        lines.append("| method | mean reward | ± seeds | Δ vs best single [95% CI] | Δ vs zooter [95% CI] | gap closed | routing acc. | MTR | #1 share |")
        lines.append("| --- | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: |")
        for m in methods {
            let ci = m.deltaCI95.count == 2 ? String(format: "[%+.4f, %+.4f]", m.deltaCI95[0], m.deltaCI95[1]) : ""
            var versusZooter = "-"
            if let delta = m.deltaVsZooter, let interval = m.deltaVsZooterCI95, interval.count == 2 {
                versusZooter = String(format: "%+.4f [%+.4f, %+.4f]", delta, interval[0], interval[1])
            }
            let gap = m.gapClosed.map { String(format: "%.3f", $0) } ?? "-"
            lines.append(String(format: "| %@ | %.4f | %.4f | %+.4f %@ | %@ | %@ | %.3f | %.2f | %.2f |",
                                m.method.rawValue, m.meanReward, m.meanRewardStdOverSeeds, m.deltaVsBestSingle, ci,
                                versusZooter, gap, m.routingAccuracy, m.meanTaskRank, m.shareOfSourcesRankedFirst))
        }
        lines.append("")
        let header = methods.map(\.method.rawValue).joined(separator: " | ")
        lines.append("| source | n | best expert | \(header) |")
        lines.append("| --- | ---: | ---: |" + String(repeating: " ---: |", count: methods.count))
        for (s, source) in dataset.sources.enumerated() {
            let cells = methods.map { String(format: "%.4f", $0.perSourceMeanReward[s]) }.joined(separator: " | ")
            lines.append("| \(source.name) | \(source.queries) | \(String(format: "%.4f", source.expertMeanReward.max() ?? 0)) | \(cells) |")
        }
        lines.append("")
        lines.append("expert usage (" + dataset.experts.joined(separator: ", ") + "):")
        for m in methods {
            lines.append("- \(m.method.rawValue): " + m.expertUsage.map { String(format: "%.3f", $0) }.joined(separator: " "))
        }
        for m in methods where !m.selections.isEmpty && m.selections.count > 1 || m.method == .zooter {
            let top = m.selections.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(5)
            lines.append("selected for \(m.method.rawValue): " + top.map { "\($0.key) ×\($0.value)" }.joined(separator: "; "))
        }
        if let costs { lines.append(""); lines.append(contentsOf: costs.markdownLines()) }
        if let hybridTopK { lines.append(""); lines.append(contentsOf: hybridTopK.markdownLines()) }
        return lines.joined(separator: "\n")
    }
}

extension CostAnalysis {
    /// The cost table: per router, the three figures read off its reward-against-cost frontier.
    func markdownLines() -> [String] {
        var lines = ["reward against cost (\(basis); unit: \(unit))",
                     String(format: "cheapest single: %@ (%.4g, reward %.4f); best single: %@ (%.4g, reward %.4f)",
                            cheapest.label, cheapest.meanCost, cheapest.meanReward, bestSingle.label, bestSingle.meanCost, bestSingle.meanReward),
                     "",
                     "| router | cost to match best single | best reward within cheapest's cost | reward over log cost (AUC) |",
                     "| --- | ---: | ---: | ---: |"]
        for curve in curves {
            let match = curve.costToMatchBestSingle.map { String(format: "%.4g (%.0f%%)", $0, 100 * $0 / max(bestSingle.meanCost, 1e-300)) } ?? "never"
            let within = curve.bestRewardWithinCheapestCost.map { String(format: "%.4f", $0) } ?? "-"
            lines.append("| \(curve.method) | \(match) | \(within) | \(String(format: "%.4f", curve.logCostAUC)) |")
        }
        return lines
    }
}

extension HybridTopKReport {
    /// The hybrid top-k table: per k, the reward of the scorer's pick against ZOOTER alone.
    func markdownLines() -> [String] {
        var lines = [String(format: "hybrid top-k: the reward scorer (fitted per training fold) picks among ZOOTER's top k; held-out pairwise agreement with the judge %.3f, \"longer response wins\" %.3f (%d pairs)",
                            scorerAgreement, longerWinsAgreement, heldOutPairs),
                     "",
                     "| k (expert calls) | mean reward | Δ vs zooter [95% CI] | best of k (perfect scorer) |",
                     "| ---: | ---: | --- | ---: |"]
        for p in points {
            let ci = p.deltaVsZooterCI95.count == 2 ? String(format: "[%+.4f, %+.4f]", p.deltaVsZooterCI95[0], p.deltaVsZooterCI95[1]) : ""
            lines.append(String(format: "| %d | %.4f | %+.4f %@ | %.4f |", p.k, p.meanReward, p.deltaVsZooter, ci, p.bestOfKMeanReward))
        }
        return lines
    }
}
