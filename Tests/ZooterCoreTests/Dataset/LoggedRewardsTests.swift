import Foundation
import Testing
@testable import ZooterCore

/// Logged traffic (the gateway's export): rewards only for the expert that answered, with its
/// propensity, completed into full reward vectors by the doubly robust estimate.
@Suite struct LoggedRewardsTests {
    @Test func linesWithPropensitiesAreCompletedByTheDoublyRobustEstimate() throws {
        let data = try RoutingDatasetTests.load([
            #"{"id": "1", "query": "a", "rewards": {"m1": 1.0}, "propensities": {"m1": 0.5}}"#,
            #"{"id": "2", "query": "b", "rewards": {"m1": 0.0}, "propensities": {"m1": 1.0}}"#,
            #"{"id": "3", "query": "c", "rewards": {"m2": 0.4}, "propensities": {"m2": 0.25}}"#,
        ])
        // μ1 = (2·1 + 1·0) / (2 + 1) = 2/3 (self-normalised, weights 1/p); μ2 = 0.4.
        let mu1 = 2.0 / 3.0, mu2 = 0.4
        let rewards = try #require(data.examples.map(\.rewards) as? [[Double]])
        #expect(abs(rewards[0][0] - (mu1 + 2 * (1 - mu1))) < 1e-12 && abs(rewards[0][1] - mu2) < 1e-12)
        #expect(abs(rewards[1][0] - (mu1 + 1 * (0 - mu1))) < 1e-12)
        #expect(abs(rewards[2][1] - mu2) < 1e-12 && abs(rewards[2][0] - mu1) < 1e-12)
        #expect(data.examples[0].logged?[0] == LoggedReward(reward: 1, propensity: 0.5))
        #expect(data.hasAllRewards)
    }

    @Test func theWeightIsCappedAndFullyScoredLinesCountWithWeightOne() {
        var examples = [
            RoutingExample(id: "a", query: "q", logged: [0: LoggedReward(reward: 1, propensity: 0.001)]),
            RoutingExample(id: "b", query: "q", rewards: [0, 1]),
        ]
        LoggedRewards.complete(&examples, expertCount: 2)
        let cap = LoggedRewards.maxWeight
        let mu0 = cap * 1 / (cap + 1)
        #expect(abs(examples[0].rewards![0] - (mu0 + cap * (1 - mu0))) < 1e-9)
        #expect(examples[0].rewards![1] == 1, "m2 is known only from the fully scored line")
        #expect(examples[1].rewards == [0, 1], "fully scored lines are left as they are")
    }

    @Test func badLoggedLinesAreRefusedWithTheirLine() {
        RoutingDatasetTests.expectError([#"{"id": "1", "query": "a", "propensities": {"m1": 0.5}}"#],
                                        code: .missingReward, line: 1, mentioning: "experts that answered")
        RoutingDatasetTests.expectError([#"{"id": "1", "query": "a", "rewards": {"m1": 1}, "propensities": {"m2": 0.5}}"#],
                                        code: .invalidField, line: 1, mentioning: "same experts")
        RoutingDatasetTests.expectError([#"{"id": "1", "query": "a", "rewards": {"m1": 1}, "propensities": {"m1": 0}}"#],
                                        code: .invalidField, line: 1, mentioning: "(0, 1]")
        RoutingDatasetTests.expectError([#"{"id": "1", "query": "a", "rewards": {"m3": 1}, "propensities": {"m3": 0.5}}"#],
                                        code: .unknownModel, line: 1, mentioning: "m3")
    }
}
