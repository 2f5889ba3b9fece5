import Foundation
import Testing
import ZooterCore
import ZooterTestSupport

/// `train` writes `report.html` beside `report.json`; a real browser (Debian's headless Chromium,
/// installed by scripts/setup) renders it, and the rendered page is checked against the numbers
/// of `report.json`: the DOM for the charts and values, the pixels for ZOOTER's bar drawn at the
/// length its mean reward gives.
@Suite(.serialized, .timeLimit(.minutes(3))) struct HTMLReportTests {
    static func chromium(_ arguments: [String]) async throws -> String {
        let run = try await ChildProcess.run("/usr/bin/chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                                                   "--force-device-scale-factor=1", "--window-size=1000,1400"] + arguments)
        try #require(run.status == 0, "chromium: \(run.standardError.suffix(1500))")
        return run.output
    }

    @Test func theTrainingReportRendersItsChartsAndNumbersInChromium() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-html-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let train = try await ChildProcess.run(
            ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path,
            ["train", "--dataset", ServiceProcess.root.appendingPathComponent("data/mmlu-pro-sample").path, "--out", work.path,
             "--limit", "120", "--folds", "2", "--seeds", "1", "--cache", work.appendingPathComponent("cache").path])
        try #require(train.status == 0, "train: \(train.output)\(train.standardError)")
        let artifact = work.appendingPathComponent("current")
        let report = try JSONDecoder().decode(EvaluationReport.self, from: Data(contentsOf: artifact.appendingPathComponent("report.json")))
        let page = artifact.appendingPathComponent("report.html")

        let dom = try await Self.chromium(["--dump-dom", page.absoluteString])
        #expect(dom.contains(#"data-chart="methods""#) && dom.contains(#"data-chart="usage""#) && dom.contains(#"id="sources""#))
        for method in report.methods {
            #expect(dom.contains(#"data-method="\#(method.method.rawValue)" data-value="\#(String(format: "%.4f", method.meanReward))""#),
                    "no bar for \(method.method.rawValue) at \(method.meanReward)")
        }
        let zooter = try #require(report.method(.zooter))
        #expect(dom.contains(String(format: "Δ %+.4f [%+.4f, %+.4f]", zooter.deltaVsBestSingle, zooter.deltaCI95[0], zooter.deltaCI95[1])))
        #expect(dom.contains(#"data-reference="best single""#) && dom.contains(#"data-reference="oracle""#))
        for expert in report.dataset.experts where zooter.expertUsage[report.dataset.experts.firstIndex(of: expert)!] > 0 {
            #expect(dom.contains(#"data-method="zooter" data-expert="\#(expert)""#), "no usage segment for \(expert)")
        }
        for source in report.dataset.sources { #expect(dom.contains("<td>\(source.name)</td>")) }

        // The bar: 18 px high, mean reward × 560 px long (no reward exceeds 1 here), in a colour used
        // for nothing else; the CI whisker crossing it hides at most 2 px of its height.
        let screenshot = work.appendingPathComponent("report.png")
        _ = try await Self.chromium(["--screenshot=\(screenshot.path)", page.absoluteString])
        let counted = try await ChildProcess.run("/usr/bin/env", ["python3", ServiceProcess.root.appendingPathComponent("Tests/Interop/png_colour_count.py").path,
                                                                  screenshot.path, String(EvaluationReport.zooterColour.dropFirst())])
        let pixels = try #require(Int(counted.output.split(separator: " ").first ?? ""), "\(counted.output)\(counted.standardError)")
        let expected = zooter.meanReward * 560 * 18
        #expect(Double(pixels) > expected * 0.85 && Double(pixels) < expected + 40, "\(pixels) pixels of ZOOTER's colour; its bar covers \(expected)")
    }

    /// `evaluate --costs --html` on a dataset whose lines carry realised costs: the report has every
    /// swept router's frontier, and Chromium renders the chart with a line per router and a dot per
    /// expert. A malformed grid option is refused before anything runs.
    @Test func theCostSweepIsReportedAndDrawn() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-costs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let sample = ServiceProcess.root.appendingPathComponent("data/mmlu-pro-sample")
        let dataset = work.appendingPathComponent("dataset")
        try FileManager.default.createDirectory(at: dataset, withIntermediateDirectories: true)
        for file in ["models.json", "experts.json"] {
            try FileManager.default.copyItem(at: sample.appendingPathComponent(file), to: dataset.appendingPathComponent(file))
        }
        // 150 lines with a realised cost per expert: its size times the query's length.
        let experts = try JSONDecoder().decode([String].self, from: Data(contentsOf: sample.appendingPathComponent("models.json")))
        let lines = try String(decoding: Data(contentsOf: sample.appendingPathComponent("routing.jsonl")), as: UTF8.self)
            .split(separator: "\n").prefix(150)
        var rows: [String] = []
        for line in lines {
            var object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let length = Double((object["query"] as? String)?.utf8.count ?? 0)
            object["costs"] = Dictionary(uniqueKeysWithValues: experts.enumerated().map { ($1, Double($0 + 1) * length * 1e-7) })
            rows.append(String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self))
        }
        try Data(rows.joined(separator: "\n").utf8).write(to: dataset.appendingPathComponent("routing.jsonl"))

        let trainer = ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path
        let common = ["evaluate", "--dataset", dataset.path, "--model", ServiceProcess.root.appendingPathComponent("models/all-MiniLM-L6-v2").path,
                      "--cache", work.appendingPathComponent("cache").path, "--folds", "2", "--seeds", "1"]
        let refused = try await ChildProcess.run(trainer, common + ["--betas", "1,1.5"])
        #expect(refused.status != 0 && refused.standardError.contains("--betas must be comma-separated numbers"), "\(refused.standardError)")

        let page = work.appendingPathComponent("report.html")
        let run = try await ChildProcess.run(trainer, common + ["--costs", "--json", "--html", page.path])
        try #require(run.status == 0, "evaluate: \(run.standardError)")
        let report = try JSONDecoder().decode(EvaluationReport.self, from: Data(run.output.utf8))
        let costs = try #require(report.costs)
        #expect(costs.unit == "USD per query" && costs.singles.count == experts.count)
        #expect(costs.curves.map(\.method) == ["zooter", "knn", "twoModel", "alwaysCheapest", "bestSingle"])
        #expect(report.method(.ridge) != nil && report.method(.taskClassifier) != nil)

        let dom = try await Self.chromium(["--dump-dom", page.absoluteString])
        #expect(dom.contains(#"data-chart="costs""#) && dom.contains(#"id="costs""#))
        for curve in costs.curves where curve.frontier.count > 1 {
            #expect(dom.contains(#"class="frontier" data-method="\#(curve.method)""#), "no line for \(curve.method)")
        }
        for expert in experts { #expect(dom.contains(#"class="single" data-expert="\#(expert)""#), "no dot for \(expert)") }
    }
}
