import Foundation
import Testing
@testable import ZooterCore

/// Label construction on hand-computed examples (tolerance 1e-6: Float labels of O(1) values).
@Suite struct LabelBuilderTests {
    let rewards = RewardTable(rows: 3, experts: 2, values: [1, 0, 0.5, 0.5, 0.2, 0.8])

    @Test func temperatureSharpensIdentityLabels() {
        // softmax([1, 0]/τ)[0] = 1/(1 + e^{−1/τ})
        for tau in [1.0, 0.5, 0.1] {
            let p = LabelBuilder.softLabels(rewards, transform: .identity, temperature: tau)
            #expect(isClose(Double(p[0, 0]), 1 / (1 + exp(-1 / tau)), absolute: 1e-6))
            #expect(isClose(Double(p[1, 0]), 0.5, absolute: 1e-6))
        }
    }

    @Test func standardizationUsesPopulationStd() {
        // [0.2, 0.8] → z = [−1, 1] → softmax(z/1)[1] = 1/(1 + e^{−2})
        let p = LabelBuilder.softLabels(rewards, transform: .standardize, temperature: 1)
        #expect(isClose(Double(p[2, 1]), 1 / (1 + exp(-2.0)), absolute: 1e-6))
        // equal rewards → uniform
        #expect(isClose(Double(p[1, 0]), 0.5, absolute: 1e-6))
        let z = LabelBuilder.transform([1.0, 2, 3], .standardize)
        let s = (2.0 / 3).squareRoot()
        #expect(isClose(z[0], -1 / s, absolute: 1e-12) && isClose(z[2], 1 / s, absolute: 1e-12))
    }

    @Test func logitIsClippedAndRecoversOdds() {
        let g = LabelBuilder.transform([0.2, 0.8, 0, 1], .logit)
        #expect(isClose(g[0], log(0.25), absolute: 1e-12))
        #expect(isClose(g[1], log(4.0), absolute: 1e-12))
        let eps = LabelBuilder.logitEpsilon
        #expect(isClose(g[2], log(eps / (1 - eps)), absolute: 1e-9))
        #expect(isClose(g[3], -log(eps / (1 - eps)), absolute: 1e-9))
        // softmax(logit(r)/1) for two experts = odds ratio: p0 = o0/(o0+o1)
        let p = LabelBuilder.softLabels(rewards, transform: .logit, temperature: 1)
        #expect(isClose(Double(p[2, 0]), 0.25 / (0.25 + 4), absolute: 1e-6))
    }

    @Test func hardLabelsSplitTies() {
        let h = LabelBuilder.hardLabels(rewards)
        #expect(h.values == [1, 0, 0.5, 0.5, 0, 1])
    }

    @Test func tagEnhancementMixesTagMeansFromTrainingRowsOnly() {
        // identity, τ=1: p0 = [σ(1), σ(−1)], p1 = [.5,.5], p2 = [σ(−.6), σ(.6)]
        let tags = [["a"], ["a", "b"], ["b"]]
        let training = [0, 1]  // row 2 is "test": its labels must not feed tag b's mean
        let labels = LabelBuilder.labels(rewards, configuration: LabelConfiguration(transform: .identity, temperature: 1, beta: 0.4),
                                         tags: tags, trainingRows: training)
        let s1 = 1 / (1 + exp(-1.0))
        let pa = (s1 + 0.5) / 2  // tag a: rows 0 and 1
        let pb = 0.5  // tag b: row 1 only
        let global = (s1 + 0.5) / 2
        // row 0: tags {a}
        #expect(isClose(Double(labels[0, 0]), 0.4 * s1 + 0.6 * pa, absolute: 1e-6))
        // row 1: tags {a, b}: mean of P_a and P_b
        #expect(isClose(Double(labels[1, 0]), 0.4 * 0.5 + 0.6 * (pa + pb) / 2, absolute: 1e-6))
        // row 2: tag b (seen) ⇒ P_b
        let s2 = 1 / (1 + exp(0.6))
        #expect(isClose(Double(labels[2, 0]), 0.4 * s2 + 0.6 * pb, absolute: 1e-6))
        // unseen tag and no tag fall back to the global training mean
        let priors = TagPriors(labels: LabelBuilder.softLabels(rewards, transform: .identity, temperature: 1),
                               tags: tags, rows: training)
        #expect(isClose(priors.prior(for: ["zzz"])[0], global, absolute: 1e-6))
        #expect(isClose(priors.prior(for: [])[0], global, absolute: 1e-6))
        #expect(isClose(priors.prior(for: ["a", "zzz"])[0], (pa + global) / 2, absolute: 1e-6))
    }

    @Test func betaOneLeavesLabelsUnchanged() {
        let p = LabelBuilder.softLabels(rewards, transform: .identity, temperature: 0.5)
        let q = LabelBuilder.labels(rewards, configuration: LabelConfiguration(transform: .identity, temperature: 0.5, beta: 1),
                                    tags: [["a"], ["b"], ["c"]], trainingRows: [0, 1, 2])
        for (a, b) in zip(p.values, q.values) { #expect(isClose(Double(a), Double(b), absolute: 1e-7)) }
    }
}
