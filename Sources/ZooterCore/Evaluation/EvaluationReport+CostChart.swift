import Foundation

extension EvaluationReport {
    static let frameColour = "#cbd5e0"
    static let gridColour = "#edf2f7"
    /// Frontier colours; ZOOTER's is a darker blue than `zooterColour`, which marks only its bar.
    static let curveColours: [String: String] = [
        "zooter": "#0b3d91", "knn": "#7b4ea3", "twoModel": "#c0392b", "alwaysCheapest": "#59a14f", "bestSingle": bestSingleColour,
    ]

    /// Reward against cost: each router's frontier on a log-cost axis, the single experts as
    /// dots, and the figures table; or a note when the evaluation ran without `--costs`.
    func costSection() -> String {
        guard let costs else {
            return "<p>Reward against cost: run <code>zooter-trainer evaluate --costs</code> on a dataset with costs.</p>"
        }
        var table = "<table id=\"costs\"><tr><th>router</th><th>cost to match best single</th><th>best reward within the cheapest's cost</th><th>reward over log cost (AUC)</th></tr>"
        for curve in costs.curves {
            let match = curve.costToMatchBestSingle.map { String(format: "%.4g", $0) } ?? "never"
            let within = curve.bestRewardWithinCheapestCost.map { String(format: "%.4f", $0) } ?? "–"
            table += "<tr><td>\(escape(curve.method))</td><td>\(match)</td><td>\(within)</td><td>\(String(format: "%.4f", curve.logCostAUC))</td></tr>"
        }
        table += "</table>"
        return """
            <h2>Reward against cost</h2>
            <p>Each line is a router's best reward at or below a mean cost per query (\(escape(costs.unit)), swept over the cost weight λ (and, for ZOOTER, the confidence threshold); hover a point for its setting. Dots: always using one expert (colours as in “Expert usage”; hover for the name). Costs: \(escape(costs.basis)).</p>
            \(costChart(costs))
            \(table)
            """
    }

    private func costChart(_ costs: CostAnalysis) -> String {
        let left = 60.0, top = 16.0, width = 620.0, height = 340.0
        let allPoints = costs.singles + costs.curves.flatMap(\.frontier)
        let positive = allPoints.map(\.meanCost).filter { $0 > 0 }
        let low = (positive.min() ?? 1e-6) / 1.5, high = (positive.max() ?? 1) * 1.5
        let rewardLow = max(0, (allPoints.map(\.meanReward).min() ?? 0) - 0.02)
        let rewardHigh = (allPoints.map(\.meanReward).max() ?? 1) + 0.02
        func x(_ cost: Double) -> Double { left + width * log(max(cost, low) / low) / log(high / low) }
        func y(_ reward: Double) -> Double { top + height * (1 - (reward - rewardLow) / max(rewardHigh - rewardLow, 1e-9)) }

        var svg = #"<svg data-chart="costs" width="\#(Int(left + width + 190))" height="\#(Int(top + height + 46))" xmlns="http://www.w3.org/2000/svg">"#
        svg += #"<rect x="\#(fmt(left))" y="\#(fmt(top))" width="\#(fmt(width))" height="\#(fmt(height))" fill="none" stroke="\#(Self.frameColour)"/>"#
        // Decade ticks on the cost axis, five on the reward axis.
        var decade = pow(10, floor(log10(low)))
        while decade <= high {
            if decade >= low {
                svg += #"<line x1="\#(fmt(x(decade)))" x2="\#(fmt(x(decade)))" y1="\#(fmt(top))" y2="\#(fmt(top + height))" stroke="\#(Self.gridColour)"/>"#
                svg += #"<text x="\#(fmt(x(decade)))" y="\#(fmt(top + height + 16))" text-anchor="middle">\#(String(format: "%g", decade))</text>"#
            }
            decade *= 10
        }
        for i in 0...4 {
            let reward = rewardLow + (rewardHigh - rewardLow) * Double(i) / 4
            svg += #"<text x="\#(fmt(left - 6))" y="\#(fmt(y(reward) + 4))" text-anchor="end">\#(String(format: "%.2f", reward))</text>"#
        }
        svg += #"<text x="\#(fmt(left + width / 2))" y="\#(fmt(top + height + 36))" text-anchor="middle">mean cost per query (\#(escape(costs.unit)), log scale)</text>"#
        for (expert, single) in costs.singles.enumerated() {
            let colour = Self.expertColours[expert % Self.expertColours.count]
            svg += #"<circle class="single" data-expert="\#(escape(single.label))" cx="\#(fmt(x(single.meanCost)))" cy="\#(fmt(y(single.meanReward)))" r="4" fill="\#(colour)"><title>\#(escape(single.label)): cost \#(String(format: "%.4g", single.meanCost)), reward \#(String(format: "%.4f", single.meanReward))</title></circle>"#
        }
        for (index, curve) in costs.curves.enumerated() where curve.frontier.count > 1 {
            let colour = Self.curveColours[curve.method] ?? Self.methodColour
            // A step line: the best reward stays flat until the next frontier point's cost.
            var path = ""
            for (i, point) in curve.frontier.enumerated() {
                if i > 0 { path += " L\(fmt(x(point.meanCost))),\(fmt(y(curve.frontier[i - 1].meanReward)))" }
                path += (i == 0 ? "M" : " L") + "\(fmt(x(point.meanCost))),\(fmt(y(point.meanReward)))"
            }
            svg += #"<path class="frontier" data-method="\#(escape(curve.method))" d="\#(path)" fill="none" stroke="\#(colour)" stroke-width="2"/>"#
            for point in curve.frontier {
                svg += #"<circle cx="\#(fmt(x(point.meanCost)))" cy="\#(fmt(y(point.meanReward)))" r="2.5" fill="\#(colour)"><title>\#(escape(curve.method)) \#(escape(point.label)): cost \#(String(format: "%.4g", point.meanCost)), reward \#(String(format: "%.4f", point.meanReward))</title></circle>"#
            }
            let legendY = top + 14 + Double(index) * 18
            svg += #"<line x1="\#(fmt(left + width + 12))" x2="\#(fmt(left + width + 32))" y1="\#(fmt(legendY - 4))" y2="\#(fmt(legendY - 4))" stroke="\#(colour)" stroke-width="2"/>"#
            svg += #"<text x="\#(fmt(left + width + 38))" y="\#(fmt(legendY))">\#(escape(curve.method))</text>"#
        }
        return svg + "</svg>"
    }
}
