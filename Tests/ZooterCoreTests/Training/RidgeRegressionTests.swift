import Testing
@testable import ZooterCore

@Suite struct RidgeRegressionTests {
    /// Rewards that are an exact linear function of the embedding: a tiny penalty recovers the
    /// function (checked on rows it was not fitted on), a huge one predicts the training mean.
    @Test func recoversALinearRewardFunctionAndShrinksWithThePenalty() {
        var g = SeededGenerator(seed: 3)
        let n = 200, d = 6, e = 3
        var x = Matrix(rows: n, columns: d)
        for i in x.values.indices { x.values[i] = Float(g.normal()) }
        let truth: [[Double]] = (0..<d).map { _ in (0..<e).map { _ in g.normal() } }
        let offsets = [0.5, -1.0, 2.0]
        var values: [Double] = []
        for r in 0..<n {
            for k in 0..<e {
                values.append(offsets[k] + (0..<d).reduce(0.0) { $0 + Double(x[r, $1]) * truth[$1][k] })
            }
        }
        let rewards = RewardTable(rows: n, experts: e, values: values)
        let statistics = RidgeRegression.Statistics(embeddings: x, rewards: rewards, rows: Array(0..<150))
        let exact = RidgeRegression(statistics: statistics, relativePenalty: 1e-9)
        let held = Array(150..<n)
        for (i, prediction) in exact.predict(x, rows: held).enumerated() {
            for k in 0..<e { #expect(isClose(prediction[k], rewards[held[i], k], absolute: 1e-4)) }
        }
        let flat = RidgeRegression(statistics: statistics, relativePenalty: 1e9)
        let means = (0..<e).map { k in (0..<150).reduce(0.0) { $0 + rewards[$1, k] } / 150 }
        for prediction in flat.predict(x, rows: held) {
            for k in 0..<e { #expect(isClose(prediction[k], means[k], absolute: 0.05)) }
        }
    }

    /// One input, two rows: the penalised slope has the closed form Sxy / (Sxx + α).
    @Test func matchesTheOneDimensionalClosedForm() {
        let x = Matrix(rows: 2, columns: 1, values: [1, 3])
        let rewards = RewardTable(rows: 2, experts: 1, values: [2, 6])
        let statistics = RidgeRegression.Statistics(embeddings: x, rewards: rewards, rows: [0, 1])
        // Centred: x = ±1, r = ±2 → Sxx = 2, Sxy = 4; mean diagonal 2, relative 0.5 → α = 1.
        let model = RidgeRegression(statistics: statistics, relativePenalty: 0.5)
        #expect(isClose(model.weights[0], 4.0 / 3.0, absolute: 1e-12))
        #expect(isClose(model.predict(x, rows: [1])[0][0], 4 + 4.0 / 3.0, absolute: 1e-12))
    }
}
