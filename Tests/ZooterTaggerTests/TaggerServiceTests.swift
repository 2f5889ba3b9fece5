import Foundation
import NIOPosix
import Testing
import ZooterCore
import ZooterServiceKit
@testable import ZooterTagger
import ZooterWire

/// The tagger's handler called directly (no sockets): taxonomy tags by calibrated similarity,
/// latent tags from trainer-written centroids, caller tags passed through.
@Suite struct TaggerServiceTests {
    static let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("models/all-MiniLM-L6-v2")

    @Test(.enabled(if: FileManager.default.fileExists(atPath: model.appendingPathComponent("model.safetensors").path)))
    func taxonomyLatentAndGivenTags() async throws {
        let encoder = try TextEncoder(modelDirectory: Self.model, threads: 2)
        let taxonomy = try Taxonomy.builtIn()
        #expect((20...40).contains(taxonomy.tags.count))
        let matcher = try TagMatcher(taxonomy: taxonomy, embed: encoder.embed)
        // Centroids as the trainer writes them: k-means of some query embeddings, saved and reloaded.
        let seeds = try encoder.embed(["fix my python code", "solve this integral", "write a poem", "plan a trip"])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("centroids-\(UUID()).safetensors")
        try KMeans.fit(seeds, rows: Array(0..<4), clusters: 4, seed: 1).save(to: url)
        let latent = try KMeans.load(from: url, dimension: encoder.dimension)
        let batcher = ComputeBatcher<String, [Float]>(maxBatch: 16, maxWait: .zero, maxQueuedItems: 256, threadPool: .singleton) { texts in
            let m = try encoder.embed(texts)
            return (0..<m.rows).map { Array(m.row($0)) }
        }
        let service = TaggerService(taxonomy: taxonomy, matcher: matcher, latent: latent, encoder: encoder, batcher: batcher)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await batcher.run() }
            let response = try await service.tag(TagRequest(queries: [
                TagQuery(query: "Write a Python function that parses a CSV file and fix the bug in my loop", givenTags: ["customer-42"]),
                TagQuery(query: "Solve for x: 3x + 5 = 20, and explain each algebra step"),
                TagQuery(query: "Translate 'where is the train station' into French"),
            ], maxTags: 3))
            batcher.stop()
            try await group.waitForAll()
            let names = response.results.map { Set($0.tags.map(\.name)) }
            #expect(names[0].contains("intent/coding"), "\(response.results[0].tags)")
            #expect(names[1].contains("intent/math"), "\(response.results[1].tags)")
            #expect(names[2].contains("intent/translation"), "\(response.results[2].tags)")
            #expect(response.results[0].tags.contains { $0.name == "customer-42" && $0.origin == .given && $0.score == 1 })
            for result in response.results {
                #expect(result.tags.filter { $0.origin == .taxonomy }.count <= 3)
                #expect(result.tags.filter { $0.origin == .latent }.count == 1)
                #expect(result.tags.allSatisfy { $0.score.isFinite })
            }
        }
    }
}
