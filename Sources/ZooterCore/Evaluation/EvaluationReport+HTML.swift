import Foundation

extension EvaluationReport {
    /// Colours of the charts. ZOOTER's is used for nothing else, so a test can find its bar in a
    /// rendered page by colour.
    public static let zooterColour = "#1f5fbf"
    static let methodColour = "#8a97a8"
    /// ZOOTER's bars in the per-source table: not `zooterColour`, which marks only its bar above.
    static let zooterSourceColour = "#6b9be0"
    static let inkColour = "#1a202c"
    static let bestSingleColour = "#d9822b"
    static let oracleColour = "#2e9e5b"
    static let expertColours = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                                "#9c755f", "#bab0ac", "#86bcb6", "#d37295", "#fabfd2", "#b6992d", "#499894", "#79706e"]
    /// Width in pixels of a reward of 1 in the method chart (rewards are in [0, 1] for every
    /// dataset we ship; larger ones are scaled to the largest).
    static let chartWidth = 560.0

    /// A self-contained HTML page (inline CSS and SVG, no scripts, no external files): the
    /// headline, each method's mean reward with its 95 % CI against best single and oracle, expert
    /// usage, and per-source results.
    public func html() -> String {
        let best = methods.first { $0.method == .bestSingle }
        let oracle = methods.first { $0.method == .oracle }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <title>Zooter evaluation — \(escape(dataset.name))</title>
            <style>
            body{font-family:system-ui,sans-serif;margin:24px;color:#1a202c;max-width:980px}
            h1{font-size:22px}h2{font-size:17px;margin-top:28px}
            table{border-collapse:collapse;font-size:13px}td,th{padding:3px 8px;border-bottom:1px solid #e2e8f0;text-align:right}
            td:first-child,th:first-child{text-align:left}pre{background:#f7fafc;padding:10px;font-size:12px}
            svg text{font-size:12px;font-family:system-ui,sans-serif}
            </style></head><body>
            <h1>Zooter evaluation — \(escape(dataset.name))</h1>
            <p>\(dataset.queries) queries × \(dataset.experts.count) experts · \(configuration.folds)-fold cross-validation × \(configuration.seeds.count) seed(s) · tags: \(escape(configuration.tagSource.description)) · encoder \(escape(encoder)) · dataset \(escape(dataset.fingerprint))</p>
            <pre id="headline">\(escape(headline()))</pre>
            <h2>Reward of the chosen expert, by method</h2>
            <p>Bars: mean reward over all queries (out-of-fold). Whiskers: the 95 % paired-bootstrap interval of the difference to always using the best single model, drawn around that model's mean. Lines: best single model and the per-query oracle (the ceiling).</p>
            \(methodChart(best: best, oracle: oracle))
            <h2>Expert usage</h2>
            <p>Share of queries each method sends to each expert.</p>
            \(usageChart())
            <h2>By source</h2>
            \(sourceTable())
            \(costSection())
            </body></html>

            """
    }

    private func methodChart(best: MethodReport?, oracle: MethodReport?) -> String {
        let rowHeight = 26.0, left = 150.0, top = 24.0
        let maximum = max(1, methods.map(\.meanReward).max() ?? 1)
        let scale = Self.chartWidth / maximum
        let height = top + Double(methods.count) * rowHeight + 30
        var svg = #"<svg data-chart="methods" width="\#(Int(left + Self.chartWidth + 200))" height="\#(Int(height))" xmlns="http://www.w3.org/2000/svg">"#
        for (row, method) in methods.enumerated() {
            let y = top + Double(row) * rowHeight
            let colour = method.method == .zooter ? Self.zooterColour
                : method.method == .bestSingle ? Self.bestSingleColour : method.method == .oracle ? Self.oracleColour : Self.methodColour
            let width = max(0, method.meanReward * scale)
            svg += #"<text x="\#(fmt(left - 8))" y="\#(fmt(y + 14))" text-anchor="end">\#(escape(method.method.rawValue))</text>"#
            svg += #"<rect class="bar" data-method="\#(method.method.rawValue)" data-value="\#(String(format: "%.4f", method.meanReward))" x="\#(fmt(left))" y="\#(fmt(y))" width="\#(fmt(width))" height="18" fill="\#(colour)"/>"#
            var label = String(format: "%.4f", method.meanReward)
            var labelX = left + width + 8
            if let best, method.method != .bestSingle, method.deltaCI95.count == 2 {
                let low = (best.meanReward + method.deltaCI95[0]) * scale + left, high = (best.meanReward + method.deltaCI95[1]) * scale + left
                labelX = max(labelX, high + 8)
                svg += #"<line class="ci" data-method="\#(method.method.rawValue)" x1="\#(fmt(low))" x2="\#(fmt(high))" y1="\#(fmt(y + 9))" y2="\#(fmt(y + 9))" stroke="\#(Self.inkColour)" stroke-width="2"/>"#
                label += String(format: "  Δ %+.4f [%+.4f, %+.4f]", method.deltaVsBestSingle, method.deltaCI95[0], method.deltaCI95[1])
            }
            svg += #"<text x="\#(fmt(labelX))" y="\#(fmt(y + 14))">\#(escape(label))</text>"#
        }
        for (reference, colour, name) in [(best, Self.bestSingleColour, "best single"), (oracle, Self.oracleColour, "oracle")] {
            guard let reference else { continue }
            let x = left + reference.meanReward * scale
            svg += #"<line class="reference" data-reference="\#(name)" x1="\#(fmt(x))" x2="\#(fmt(x))" y1="\#(fmt(top - 6))" y2="\#(fmt(height - 24))" stroke="\#(colour)" stroke-dasharray="4 3"/>"#
            svg += #"<text x="\#(fmt(x))" y="\#(fmt(height - 10))" text-anchor="middle" fill="\#(colour)">\#(name) \#(String(format: "%.4f", reference.meanReward))</text>"#
        }
        return svg + "</svg>"
    }

    private func usageChart() -> String {
        let rowHeight = 24.0, left = 150.0, width = Self.chartWidth
        let shown = methods.filter { $0.method != .random }
        let legendRows = (dataset.experts.count + 2) / 3
        let height = Double(shown.count) * rowHeight + Double(legendRows) * 18 + 20
        var svg = #"<svg data-chart="usage" width="\#(Int(left + width + 20))" height="\#(Int(height))" xmlns="http://www.w3.org/2000/svg">"#
        for (row, method) in shown.enumerated() {
            let y = Double(row) * rowHeight
            svg += #"<text x="\#(fmt(left - 8))" y="\#(fmt(y + 14))" text-anchor="end">\#(escape(method.method.rawValue))</text>"#
            var x = left
            for (expert, share) in method.expertUsage.enumerated() where share > 0 {
                let colour = Self.expertColours[expert % Self.expertColours.count]
                svg += #"<rect class="usage" data-method="\#(method.method.rawValue)" data-expert="\#(escape(dataset.experts[expert]))" data-share="\#(String(format: "%.4f", share))" x="\#(fmt(x))" y="\#(fmt(y))" width="\#(fmt(share * width))" height="18" fill="\#(colour)"><title>\#(escape(dataset.experts[expert])) \#(String(format: "%.1f", share * 100)) %</title></rect>"#
                x += share * width
            }
        }
        let legendTop = Double(shown.count) * rowHeight + 10
        for (expert, name) in dataset.experts.enumerated() {
            let x = left + Double(expert % 3) * (width / 3), y = legendTop + Double(expert / 3) * 18
            svg += #"<rect x="\#(fmt(x))" y="\#(fmt(y))" width="10" height="10" fill="\#(Self.expertColours[expert % Self.expertColours.count])"/>"#
            svg += #"<text x="\#(fmt(x + 14))" y="\#(fmt(y + 9))">\#(escape(name))</text>"#
        }
        return svg + "</svg>"
    }

    private func sourceTable() -> String {
        guard !dataset.sources.isEmpty else { return "<p>The dataset names no sources.</p>" }
        let shown = methods.filter { $0.method != .random }
        var rows = "<table id=\"sources\"><tr><th>source</th><th>queries</th>" + shown.map { "<th>\(escape($0.method.rawValue))</th>" }.joined() + "</tr>"
        for (s, source) in dataset.sources.enumerated() {
            rows += "<tr><td>\(escape(source.name))</td><td>\(source.queries)</td>"
            rows += shown.map { method in
                let value = method.perSourceMeanReward.indices.contains(s) ? method.perSourceMeanReward[s] : .nan
                let bar = value.isFinite ? #"<svg width="60" height="10"><rect width="\#(fmt(max(0, min(1, value)) * 60))" height="10" fill="\#(method.method == .zooter ? Self.zooterSourceColour : Self.methodColour)"/></svg>"# : ""
                return "<td>\(String(format: "%.4f", value)) \(bar)</td>"
            }.joined()
            rows += "</tr>"
        }
        return rows + "</table>"
    }

    func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
