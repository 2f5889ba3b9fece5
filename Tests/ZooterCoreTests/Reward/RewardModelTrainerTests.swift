import Foundation
import Testing
@testable import ZooterCore

/// The Bradley–Terry fit on data whose judge is known, so what it must learn is known too.
@Suite struct RewardModelTrainerTests {
    /// Responses to `queries` queries × 4 experts: random statistics and embeddings; the judge's
    /// reward is `judge(statistics, embedding)`, and lengths are unrelated to it.
    func data(queries: Int, dimension: Int = 6, seed: UInt64 = 1,
              judge: ([Float], [Float]) -> Double) -> (Matrix, Matrix, [Int], [Double]) {
        var generator = SeededGenerator(seed: seed)
        let rows = queries * 4, k = ResponseStatistics.names.count
        var statistics = Matrix(rows: rows, columns: k), embeddings = Matrix(rows: rows, columns: dimension)
        var lengths: [Int] = [], rewards: [Double] = []
        for row in 0..<rows {
            for j in 0..<k { statistics[row, j] = Float(generator.normal()) }
            for j in 0..<dimension { embeddings[row, j] = Float(generator.normal()) }
            lengths.append(Int(generator.next() % 1000))
            rewards.append(judge(Array(statistics.row(row)), Array(embeddings.row(row))))
        }
        return (statistics, embeddings, lengths, rewards)
    }

    @Test func learnsAJudgeThatIgnoresLengthAndBeatsTheLengthBaseline() throws {
        let (s, e, lengths, rewards) = data(queries: 200) { s, _ in Double(2 * s[5] - s[9]) }
        let result = try RewardModelTrainer.train(statistics: s, embeddings: e, lengths: lengths, rewards: rewards,
                                                  queries: 200, experts: 4)
        let held = try #require(result.heldOut)
        #expect(held.model > 0.95, "held-out agreement \(held.model)")
        #expect(abs(held.longerWins - 0.5) < 0.06, "length is unrelated here: \(held.longerWins)")
        #expect(held.pairs == result.perFold.map(\.pairs).reduce(0, +) && result.perFold.count == 5)
        // The learnt direction: refusal-slot weight positive, repetition-slot weight negative, others small.
        let w = result.model.statisticsWeights
        #expect(w[5] > 0 && w[9] < 0 && abs(w[0]) < w[5] / 5)
    }

    @Test func learnsFromTheEmbeddingWhenThatIsWhereTheSignalIs() throws {
        let (s, e, lengths, rewards) = data(queries: 300) { _, e in Double(e[2]) }
        let result = try RewardModelTrainer.train(statistics: s, embeddings: e, lengths: lengths, rewards: rewards,
                                                  queries: 300, experts: 4)
        let held = try #require(result.heldOut)
        // Lower than for a statistic: the embedding's weights are penalised hard on purpose
        // (Configuration.embeddingPenalty), so noise in the statistics competes with the signal.
        #expect(held.model > 0.65, "held-out agreement \(held.model)")
        let strongest = result.model.embeddingWeights.indices.max { abs(result.model.embeddingWeights[$0]) < abs(result.model.embeddingWeights[$1]) }
        #expect(strongest == 2)
    }

    @Test func theFitMinimisesThePenalisedLoss() {
        let (s, e, _, rewards) = data(queries: 40, dimension: 3) { s, e in Double(s[0] + e[1]) + 0.5 * sin(Double(s[3] * 7)) }
        var pairs: [RewardModelTrainer.Pair] = []
        for q in 0..<40 { for a in 0..<4 { for b in 0..<4 where rewards[q * 4 + a] > rewards[q * 4 + b] {
            pairs.append(.init(better: q * 4 + a, worse: q * 4 + b))
        } } }
        var x = Matrix(rows: s.rows, columns: s.columns + 3)
        for r in 0..<s.rows { for j in 0..<s.columns { x[r, j] = s[r, j] }; for j in 0..<3 { x[r, s.columns + j] = e[r, j] } }
        var configuration = RewardModelTrainer.Configuration()
        configuration.steps = 3000
        let penalties = [Float](repeating: 0, count: x.columns)
        let fitted = RewardModelTrainer.fit(features: x, pairs: pairs, penalties: penalties, configuration: configuration)
        let best = RewardModelTrainer.loss(features: x, weights: fitted, pairs: pairs)
        // Without a penalty the fit is plain maximum likelihood: no nudge of any weight lowers the loss.
        for j in 0..<x.columns {
            for delta: Float in [-0.05, 0.05] {
                var nudged = fitted
                nudged[j] += delta
                #expect(RewardModelTrainer.loss(features: x, weights: nudged, pairs: pairs) >= best - 1e-4)
            }
        }
        #expect(best < RewardModelTrainer.loss(features: x, weights: [Float](repeating: 0, count: x.columns), pairs: pairs))
    }

    @Test func refusesDataWithoutAPreference() {
        let (s, e, lengths, _) = data(queries: 12) { _, _ in 0 }
        #expect(throws: CoreError.self) {
            try RewardModelTrainer.train(statistics: s, embeddings: e, lengths: lengths,
                                         rewards: [Double](repeating: 1, count: 48), queries: 12, experts: 4)
        }
    }
}
