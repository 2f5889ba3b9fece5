/// Cost-aware choices for the test rows at every point of `CostSweep`'s grids. Only training
/// rows' rewards and costs (the latter already folded into `costs`) decide anything here.
extension FoldRunner {
    func costSweep(costs: [Double], zooterProbabilities: Matrix, neighbours: Int,
                   fallback: Int) -> [CostSweep.Method: [[Int]]] {
        var out: [CostSweep.Method: [[Int]]] = [:]

        // ZOOTER: exactly the router's decision rule at each (threshold, λ).
        var zooter: [[Int]] = []
        for threshold in CostSweep.thresholds {
            for lambda in CostSweep.lambdas {
                zooter.append((0..<testRows.count).map { i in
                    RoutingDecision.decide(probabilities: zooterProbabilities.row(i), costs: costs, costWeight: lambda,
                                           threshold: threshold, fallback: threshold > 0 ? fallback : nil).chosen
                })
            }
        }
        out[.zooter] = zooter

        // kNN with the same λ, in reward units: argmax of (mean neighbour reward − λ·cost).
        let neighbourMeans = knnMeanRewards(trainRows: trainRows, queryRows: testRows, count: neighbours)
        out[.knn] = CostSweep.lambdas.map { lambda in
            neighbourMeans.map { means in argmax(zip(means, costs).map { $0 - lambda * $1 }) }
        }

        // Two models: strong = best single on the training rows, weak = cheapest.
        let strong = fallback
        let weak = costs.indices.min { costs[$0] != costs[$1] ? costs[$0] < costs[$1] : $0 < $1 } ?? strong
        let enough = weak == strong ? [Float](repeating: 1, count: testRows.count) : cheapEnoughProbabilities(weak: weak, strong: strong)
        out[.twoModel] = CostSweep.twoModelThresholds.map { threshold in
            enough.map { Double($0) >= threshold ? weak : strong }
        }
        return out
    }

    /// Per query row, each expert's mean reward over its `count` most similar training rows.
    func knnMeanRewards(trainRows: [Int], queryRows: [Int], count: Int) -> [[Double]] {
        let k = min(count, trainRows.count)
        let similarities = HeadKernels.crossDot(embeddings, rows: queryRows, embeddings, rows: trainRows)
        return (0..<queryRows.count).map { q in
            var sums = [Double](repeating: 0, count: experts.count)
            for neighbour in topIndices(similarities.row(q), count: k) {
                for x in 0..<experts.count { sums[x] += rewards[trainRows[neighbour], x] }
            }
            return sums.map { $0 / Double(max(k, 1)) }
        }
    }

    /// P(the weak expert's reward ≥ the strong one's) for each test row, from a linear head
    /// trained on the training rows' outcomes (the RouteLLM formulation).
    private func cheapEnoughProbabilities(weak: Int, strong: Int) -> [Float] {
        var targets = Matrix(rows: embeddings.rows, columns: 2)
        for r in trainRows {
            let enough = rewards[r, weak] >= rewards[r, strong] - 1e-12
            targets[r, enough ? 0 : 1] = 1
        }
        var training = configuration.training
        training.head = .linear
        training.weightDecay = configuration.grid.weightDecays.first ?? 0.01
        training.seed = trainingSeed(stream: 0xC0575, candidate: 0)
        let head = HeadTrainer.train(embeddings: embeddings, targets: targets, rows: trainRows,
                                     experts: ["cheap-enough", "strong-needed"], configuration: training)
        let p = RouterHead(weights: head.weights).probabilities(embeddings, rows: testRows)
        return (0..<testRows.count).map { p[$0, 0] }
    }
}
