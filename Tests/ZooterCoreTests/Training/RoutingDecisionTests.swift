import Testing
@testable import ZooterCore

/// The one routing rule, as router.proto documents it.
@Suite struct RoutingDecisionTests {
    @Test func tiesGoToManifestOrder() {
        let decision = RoutingDecision.decide(probabilities: [0.2, 0.4, 0.4][...])
        #expect(decision.ranked.map(\.expert) == [1, 2, 0])
        #expect(decision.chosen == 1)
        // Evaluation's policy breaks the tie the same way.
        #expect(RoutingPolicy.argmax.choose(Matrix(rows: 1, columns: 3, values: [0.2, 0.4, 0.4])) == [1])
    }

    @Test func allowedExpertsAreRenormalisedAndTheOthersLeftOut() {
        let decision = RoutingDecision.decide(probabilities: [0.6, 0.3, 0.1][...], allowed: [false, true, true])
        #expect(decision.ranked.map(\.expert) == [1, 2])
        #expect(abs(decision.ranked.map(\.probability).reduce(0, +) - 1) < 1e-9)
        #expect(abs(decision.ranked[0].probability - 0.75) < 1e-6)
    }

    @Test func theFallbackLooksAtAllowedExpertsOnly() {
        // Expert 0 is confident but not allowed; over experts 1 and 2 the top is 0.5 < 0.6.
        let probabilities: ArraySlice<Float> = [0.9, 0.05, 0.05]
        let fallback = RoutingDecision.decide(probabilities: probabilities, allowed: [false, true, true], threshold: 0.6, fallback: 2)
        #expect(fallback.chosen == 2 && fallback.fallbackUsed)
        // A disallowed fallback is never chosen.
        let kept = RoutingDecision.decide(probabilities: probabilities, allowed: [false, true, true], threshold: 0.6, fallback: 0)
        #expect(kept.chosen == 1 && !kept.fallbackUsed)
    }

    @Test func costWeightTradesProbabilityForCost() {
        let decision = RoutingDecision.decide(probabilities: [0.55, 0.45][...], costs: [1.0, 0.0], costWeight: 0.2)
        #expect(decision.chosen == 1)
        #expect(abs(decision.ranked[1].score - (0.55 - 0.2)) < 1e-6)
    }

    @Test func policyChoicesEqualDecisionsOnRandomRowsWithTies() {
        var generator = SeededGenerator(seed: 11)
        let rows = 500, experts = 5
        // Coarse values so ties are common.
        let values = (0..<(rows * experts)).map { _ in Float(Int(generator.next() % 4)) / 4 + 0.01 }
        let matrix = Matrix(rows: rows, columns: experts, values: values)
        let policy = RoutingPolicy(threshold: 0.3, fallbackExpert: 3)
        let choices = policy.choose(matrix)
        for r in 0..<rows {
            let row = matrix.row(r)
            let total = row.reduce(0, +)
            let normalised = Matrix(rows: 1, columns: experts, values: row.map { $0 / total })
            #expect(choices[r] == RoutingDecision.decide(probabilities: normalised.row(0), threshold: 0.3, fallback: 3).chosen)
        }
    }
}
