import Foundation
import Testing
@testable import ZooterCore

@Suite struct RewardModelFileTests {
    func model(dimension: Int = 4) throws -> RewardModel {
        try RewardModel(statisticsWeights: ResponseStatistics.names.indices.map { Float($0) / 10 },
                        embeddingWeights: (0..<dimension).map { Float($0) - 1.5 })
    }

    @Test func roundTripsThroughAFileWithTheSameVersion() throws {
        let original = try model()
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("reward-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try original.save(to: url)
        let loaded = try RewardModel.load(from: url, dimension: 4)
        #expect(loaded.version == original.version)
        #expect(loaded.statisticsWeights == original.statisticsWeights && loaded.embeddingWeights == original.embeddingWeights)
        let pairs = [(query: "What is 2+2?", response: "4."), (query: "What is 2+2?", response: "I'm sorry, I cannot")]
        let embeddings = Matrix(rows: 2, columns: 4, values: [1, 0, 0, 0, 0, 0, 0, 1])
        #expect(loaded.score(pairs, responseEmbeddings: embeddings) == original.score(pairs, responseEmbeddings: embeddings))
    }

    @Test func scoresAreTheDotProductOfStatisticsAndEmbedding() throws {
        let m = try model(dimension: 2)
        let statistics = ResponseStatistics.compute(query: "q", response: "Yes.")
        let expected = zip(statistics, m.statisticsWeights).map { Double($0 * $1) }.reduce(0, +) + Double(0.5 * -1.5 + 0.25 * -0.5)
        let got = m.score([(query: "q", response: "Yes.")], responseEmbeddings: Matrix(rows: 1, columns: 2, values: [0.5, 0.25]))
        #expect(abs(got[0] - expected) < 1e-4)
    }

    @Test func refusesOldFormatsWrongWidthsAndBadWeights() throws {
        let data = try model().safetensorsData()
        #expect(throws: CoreError.self) { try RewardModel.load(safetensors: data, name: "m", dimension: 8) }
        // The MLP reward model this format replaced: refused with the way out in the message.
        let mlp = HeadWeights(architecture: HeadArchitecture(kind: .mlp, inputs: 16, hidden: 2, outputs: 1, activation: .relu),
                              parameters: [Float](repeating: 0.1, count: 37), experts: ["reward"])
        do {
            _ = try RewardModel.load(safetensors: mlp.safetensorsData(metadata: ["format-role": "zooter-reward-model"]), name: "old")
            Issue.record("an MLP reward model loaded")
        } catch {
            #expect("\(error)".contains("train-reward"))
        }
        #expect(throws: CoreError.self) { try RewardModel.load(safetensors: Data("not a file".utf8), name: "junk") }
        #expect(throws: CoreError.self) {
            try RewardModel(statisticsWeights: [Float](repeating: .nan, count: ResponseStatistics.names.count), embeddingWeights: [1])
        }
        #expect(throws: CoreError.self) { try RewardModel(statisticsWeights: [1], embeddingWeights: [1]) }
    }
}
