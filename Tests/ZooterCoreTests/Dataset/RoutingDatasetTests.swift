import Foundation
import Testing
@testable import ZooterCore

@Suite struct RoutingDatasetTests {
    static let models = #"["m1", "m2"]"#
    static let good = #"{"id": "a", "query": "hello", "source": null, "rewards": {"m1": 0.5, "m2": 1}}"#

    /// Writes models.json + routing.jsonl and loads them.
    static func load(_ lines: [String], models: String = models, experts: String? = nil) throws(CoreError) -> RoutingDataset {
        let dir: URL
        do {
            dir = try TestSupport.temporaryDirectory()
            try Data(models.utf8).write(to: dir.appendingPathComponent("models.json"))
            try Data(lines.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("routing.jsonl"))
            if let experts { try Data(experts.utf8).write(to: dir.appendingPathComponent("experts.json")) }
        } catch {
            throw CoreError.dataset(DatasetProblem(code: .fileUnreadable, file: "setup", message: "\(error)"))
        }
        return try RoutingDataset.load(directory: dir)
    }

    static func expectError(_ lines: [String], code: DatasetProblem.Code, line: Int?, mentioning text: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try load(lines)
            Issue.record("expected \(code)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.datasetProblem?.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.datasetProblem?.line == line, "\(error)", sourceLocation: sourceLocation)
            #expect(error.description.contains("routing.jsonl"), sourceLocation: sourceLocation)
            #expect(error.description.contains(text), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func readsOptionalFields() throws {
        let data = try Self.load([
            Self.good,
            "",
            #"{"id": "b", "query": "q", "tags": ["x", "y"], "source": "s", "responses": {"m1": "r1", "m2": "r2"}}"#,
            #"{"id": "c", "query": "q3", "responses": {"m1": "r"}, "rewards": {"m2": 0, "m1": 2.5}, "extra": [1]}"#,
        ])
        #expect(data.experts == ["m1", "m2"])
        #expect(data.count == 3)
        #expect(data.examples[0].source == nil && data.examples[0].tags.isEmpty && data.examples[0].rewards == [0.5, 1])
        #expect(data.examples[1].rewards == nil && data.examples[1].tags == ["x", "y"] && data.examples[1].source == "s")
        #expect(data.examples[2].rewards == [2.5, 0])
        #expect(!data.hasAllRewards && data.rewardMatrix() == nil)
    }

    @Test func reportsEveryProblemWithItsLine() {
        Self.expectError([Self.good, "{not json"], code: .invalidJSON, line: 2, mentioning: "invalid JSON")
        Self.expectError([Self.good, "[1, 2]"], code: .invalidJSON, line: 2, mentioning: "not a JSON object")
        Self.expectError([#"{"query": "q", "rewards": {"m1": 1, "m2": 1}}"#], code: .missingField, line: 1, mentioning: "\"id\"")
        Self.expectError([Self.good, #"{"id": "b", "rewards": {"m1": 1, "m2": 1}}"#], code: .missingField, line: 2, mentioning: "query")
        Self.expectError([Self.good, #"{"id": "b", "query": " ", "rewards": {"m1": 1, "m2": 1}}"#], code: .invalidField, line: 2, mentioning: "empty")
        Self.expectError([Self.good, "", Self.good], code: .duplicateID, line: 3, mentioning: "line 1")
        Self.expectError([#"{"id": "a", "query": "q", "rewards": {"m1": 1, "m2": 1, "m3": 0}}"#], code: .unknownModel, line: 1, mentioning: "m3")
        Self.expectError([#"{"id": "a", "query": "q", "rewards": {"m1": 1}}"#], code: .missingReward, line: 1, mentioning: "m2")
        Self.expectError([#"{"id": "a", "query": "q", "rewards": {"m1": 1, "m2": 1e999}}"#], code: .nonFiniteReward, line: 1, mentioning: "non-finite")
        Self.expectError([Self.good, #"{"id": "a2", "query": "q", "rewards": {"m1": 1, "m2": NaN}}"#], code: .nonFiniteReward, line: 2, mentioning: "non-finite")
        Self.expectError([#"{"id": "a", "query": "q", "rewards": {"m1": "high", "m2": 1}}"#], code: .invalidJSON, line: 1, mentioning: "rewards.m1")
        Self.expectError([Self.good, #"{"id": "b", "query": "q", "source": "s"}"#], code: .noRewardsOrResponses, line: 2, mentioning: "neither")
        Self.expectError([#"{"id": "b", "query": "q", "responses": {"m1": "x"}}"#], code: .missingReward, line: 1, mentioning: "m2")
        Self.expectError([#"{"id": "b", "query": "q", "responses": {"m1": "x", "zz": "y"}, "rewards": {"m1": 1, "m2": 1}}"#],
                         code: .unknownModel, line: 1, mentioning: "zz")
        Self.expectError([Self.good, #"{"id": 7, "query": "q", "rewards": {"m1": 1, "m2": 1}}"#], code: .invalidJSON, line: 2, mentioning: "id")
        Self.expectError(["", "  "], code: .empty, line: nil, mentioning: "no queries")
        // Realised costs: all experts or none, each finite and ≥ 0.
        Self.expectError([#"{"id": "a", "query": "q", "rewards": {"m1": 1, "m2": 1}, "costs": {"m1": 0.1}}"#],
                         code: .invalidField, line: 1, mentioning: "no cost for model \"m2\"")
        Self.expectError([#"{"id": "a", "query": "q", "rewards": {"m1": 1, "m2": 1}, "costs": {"m1": 0.1, "m2": -1}}"#],
                         code: .invalidField, line: 1, mentioning: "≥ 0")
        Self.expectError([#"{"id": "a", "query": "q", "rewards": {"m1": 1, "m2": 1}, "costs": {"m1": 0.1, "m2": 0, "m9": 1}}"#],
                         code: .unknownModel, line: 1, mentioning: "m9")
    }

    @Test func readsRealisedCostsAndPrices() throws {
        let data = try Self.load([#"{"id": "z", "query": "q", "rewards": {"m1": 1, "m2": 0}, "costs": {"m2": 0.5, "m1": 0.002}}"#, Self.good],
                                 experts: #"[{"name": "m1", "cost_usd_per_query": 0.01}, {"name": "m2", "mean_cost_usd_per_query": 0.2}]"#)
        #expect(data.examples[0].costs == [0.002, 0.5] && data.examples[1].costs == nil && !data.hasAllCosts)
        #expect(data.expertFacts?.map(\.costUSDPerQuery) == [0.01, 0.2])
        #expect(throws: CoreError.self) {
            try Self.load([Self.good], experts: #"[{"name": "m1", "cost_usd_per_query": -0.01}]"#)
        }
    }

    @Test func validatesModelAndExpertFiles() {
        #expect(throws: CoreError.self) { try Self.load([Self.good], models: #"["m1", "m1"]"#) }
        #expect(throws: CoreError.self) { try Self.load([Self.good], models: #"{"m1": 1}"#) }
        #expect(throws: CoreError.self) { try Self.load([Self.good], models: "[]") }
        #expect(throws: CoreError.self) {
            try Self.load([Self.good], experts: #"[{"name": "other", "params_b": 1}]"#)
        }
        let data = try? Self.load([Self.good], experts: #"[{"name": "m2", "params_b": 7.5, "kind": "chat"}]"#)
        #expect(data?.expertFacts?[1].parametersBillions == 7.5)
        #expect(data?.expertFacts?[0].parametersBillions == nil)
    }

    @Test func identityFollowsTheFilesAndRecordsTheSelection() throws {
        let a = try Self.load([Self.good, Self.good.replacingOccurrences(of: #""a""#, with: #""b""#)])
        let same = try Self.load([Self.good, Self.good.replacingOccurrences(of: #""a""#, with: #""b""#)])
        let other = try Self.load([Self.good.replacingOccurrences(of: "0.5", with: "0.6")])
        let withFacts = try Self.load([Self.good, Self.good.replacingOccurrences(of: #""a""#, with: #""b""#)],
                                      experts: #"[{"name": "m1"}, {"name": "m2"}]"#)
        let identity = try #require(a.identity)
        // Loaded from two different folders: the same bytes give the same identity.
        #expect(identity == same.identity)
        #expect(identity.filesSHA256 != other.identity?.filesSHA256)
        #expect(identity.filesSHA256 != withFacts.identity?.filesSHA256, "experts.json is part of the files")
        #expect(identity.limit == nil && identity.description.hasSuffix("(all)"))
        // A selection keeps the files' hash (so journaled scores stay valid) and says what it took.
        let first = a.prefix(1)
        #expect(first.count == 1 && first.identity?.filesSHA256 == identity.filesSHA256)
        #expect(first.identity?.limit == 1 && first.identity?.description.hasSuffix("(first 1)") == true)
        #expect(a.prefix(10).identity == identity, "a limit above the size selects everything")
    }

    @Test func shippedDatasetsLoadWithTheirCounts() throws {
        let data = TestSupport.packageRoot.appendingPathComponent("data")
        let sample = try RoutingDataset.load(directory: data.appendingPathComponent("mmlu-pro-sample"), keepResponses: true)
        #expect(sample.count == 2000 && sample.experts.count == 8 && sample.hasAllRewards)
        #expect(Set(sample.examples.compactMap(\.source)).count == 14)
        #expect(sample.examples.allSatisfy { $0.responses == nil }, "the sample ships no model output")
        let slice = try RoutingDataset.load(directory: data.appendingPathComponent("mmlu-pro-rescoring"), keepResponses: true)
        #expect(slice.count == 90 && slice.experts.count == 8 && slice.hasAllRewards)
        // The rescorer needs every expert's response, and the reward service refuses empty ones.
        #expect(slice.examples.allSatisfy { example in slice.experts.allSatisfy { !(example.responses?[$0] ?? "").isEmpty } })
        #expect(Set(sample.examples.map(\.id)).isDisjoint(with: slice.examples.map(\.id)))
    }

    @Test(.enabled(if: TestSupport.sharedDataAvailable, "../shared/data absent (set ZOOTER_SHARED_DIR): development datasets not checked"))
    func sharedDatasetsLoadWithTheirCounts() throws {
        let base = TestSupport.sharedDirectory.appendingPathComponent("data")
        let alpaca = try RoutingDataset.load(directory: base.appendingPathComponent("alpaca-eval-13b"), keepResponses: false)
        #expect(alpaca.count == 805 && alpaca.experts.count == 6 && alpaca.hasAllRewards)
        #expect(Set(alpaca.examples.compactMap(\.source)).count == 5)
        let mmlu = try RoutingDataset.load(directory: base.appendingPathComponent("mmlu-pro-8"), keepResponses: false)
        #expect(mmlu.count == 11792 && mmlu.experts.count == 8 && mmlu.hasAllRewards)
        #expect(Set(mmlu.examples.compactMap(\.source)).count == 14)
        #expect(mmlu.expertFacts?.count == 8)
        // Mean reward of the best single model matches stats.json (0.5268 for deepseek-chat).
        let table = try #require(mmlu.rewardMatrix())
        let deepseek = (0..<table.rows).reduce(0.0) { $0 + table[$1, 0] } / Double(table.rows)
        #expect(isClose(deepseek, 0.5268, absolute: 5e-5))
        let bench = try RoutingDataset.load(directory: base.appendingPathComponent("routerbench-11"), keepResponses: false)
        #expect(bench.count == 3062 && bench.experts.count == 11 && bench.hasAllRewards && bench.hasAllCosts)
        #expect(ExpertCosts.of(bench).basis == .price && ExpertCosts.of(bench).relative[0] == 1, "GPT-4 is the most expensive")
    }
}
