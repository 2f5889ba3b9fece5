import Foundation
import Testing
@testable import ZooterCore

@Suite struct HeadTrainerTests {
    @Test(arguments: [HeadKind.linear, .mlp])
    func separableProblemIsRoutedCorrectly(kind: HeadKind) {
        let (dataset, x) = TestSupport.separableDataset(perCluster: 60, experts: 4)
        guard let rewards = dataset.rewardMatrix() else { Issue.record("rewards"); return }
        let labels = LabelBuilder.softLabels(rewards, transform: .standardize, temperature: 0.3)
        let train = Array(0..<160), test = Array(160..<240)
        let result = HeadTrainer.train(embeddings: x, targets: labels, rows: train, experts: dataset.experts,
                                       configuration: TrainingConfiguration(head: kind, hiddenUnits: 16, seed: 1))
        let choices = RouterHead(weights: result.weights).route(x.selectingRows(test))
        let correct = zip(choices, test).filter { rewards[$1, $0] == 1 }.count
        #expect(Double(correct) / Double(test.count) >= 0.97, "\(kind): \(correct)/\(test.count)")
    }

    @Test func untrainedHeadPredictsThePrior() {
        var g = SeededGenerator(seed: 3)
        let prior: [Float] = [0.1, 0.6, 0.3]
        for kind in HeadKind.allCases {
            let a = HeadArchitecture(kind: kind, inputs: 8, hidden: 4, outputs: 3)
            let w = HeadWeights.initial(architecture: a, prior: prior, experts: ["a", "b", "c"], generator: &g)
            let p = RouterHead(weights: w).probabilities(TestSupport.randomEmbeddings(rows: 5, columns: 8, seed: 4))
            for r in 0..<5 {
                // Linear: exact (W = 0). MLP: output weights are small, so within 0.05.
                for j in 0..<3 { #expect(isClose(Double(p[r, j]), Double(prior[j]), absolute: kind == .linear ? 1e-6 : 0.05)) }
            }
        }
    }

    @Test func trainingIsBitIdenticalForASeed() {
        let (dataset, x) = TestSupport.separableDataset(perCluster: 20, experts: 3)
        let labels = LabelBuilder.softLabels(dataset.rewardMatrix()!, transform: .identity, temperature: 0.5)
        let config = TrainingConfiguration(head: .mlp, hiddenUnits: 8, maxEpochs: 5, seed: 42)
        let a = HeadTrainer.train(embeddings: x, targets: labels, rows: Array(0..<60), experts: dataset.experts, configuration: config)
        let b = HeadTrainer.train(embeddings: x, targets: labels, rows: Array(0..<60), experts: dataset.experts, configuration: config)
        #expect(a.weights.parameters.map(\.bitPattern) == b.weights.parameters.map(\.bitPattern))
        var other = config
        other.seed = 43
        let c = HeadTrainer.train(embeddings: x, targets: labels, rows: Array(0..<60), experts: dataset.experts, configuration: other)
        #expect(a.weights.parameters != c.weights.parameters)
    }

    @Test func confidenceThresholdFallsBack() {
        let p = Matrix(rows: 2, columns: 3, values: [0.5, 0.3, 0.2, 0.2, 0.1, 0.7])
        #expect(RoutingPolicy(threshold: 0.6, fallbackExpert: 1).choose(p) == [1, 2])
        #expect(RoutingPolicy.argmax.choose(p) == [0, 2])
        #expect(RoutingPolicy(threshold: 2, fallbackExpert: 1).choose(p) == [1, 1])
    }
}
