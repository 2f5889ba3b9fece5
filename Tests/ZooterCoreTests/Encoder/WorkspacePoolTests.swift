import Foundation
import Testing
@testable import ZooterCore

/// Activation buffers reused across `embed` calls: results must not depend on what a buffer held
/// or how long it is, and the pool must not hold more than its limit.
@Suite("Workspace pool")
struct WorkspacePoolTests {
    @Test(.enabled(if: TestSupport.modelAvailable))
    func reusedBuffersGiveTheSameEmbeddingsAsFreshOnes() throws {
        let long = (0..<40).map { "query number \($0) about routing requests to the best of several models" }
        let short = ["hello", "which model writes the best poem about the sea?"]
        let fresh = try TextEncoder(modelDirectory: TestSupport.modelDirectory, threads: 2)
        let expected = try fresh.embed(short)

        let reused = try TextEncoder(modelDirectory: TestSupport.modelDirectory, threads: 2)
        _ = try reused.embed(long)  // leaves larger buffers, full of another batch's activations
        #expect(reused.workspaces.heldCount > 0)
        let afterLong = try reused.embed(short)
        #expect(afterLong.values == expected.values)
        #expect(try reused.embed(long).values == fresh.embed(long).values)
    }

    @Test
    func keepsAtMostItsLimit() throws {
        let configuration = try JSONDecoder().decode(BertConfiguration.self, from: Data(#"""
            {"hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 16,
             "max_position_embeddings": 8, "vocab_size": 10, "type_vocab_size": 2, "layer_norm_eps": 1e-12,
             "hidden_act": "gelu", "model_type": "bert"}
            """#.utf8))
        let pool = WorkspacePool(limit: 2)
        let perToken = 8 + 3 * 8 + 8 + 8 + 16
        // Three callers at once (nested, so all three hold one): three workspaces exist, two are kept.
        pool.withWorkspace(tokens: 4, configuration: configuration) { outer in
            pool.withWorkspace(tokens: 4, configuration: configuration) { middle in
                pool.withWorkspace(tokens: 4, configuration: configuration) { inner in
                    #expect([outer.count, middle.count, inner.count] == [4, 4, 4].map { $0 * perToken })
                    #expect(pool.heldCount == 0)
                }
            }
        }
        #expect(pool.heldCount == 2 * 4 * perToken)
        // A larger request grows the buffer it takes; nothing shrinks.
        pool.withWorkspace(tokens: 6, configuration: configuration) { #expect($0.count == 6 * perToken) }
        #expect(pool.heldCount == (4 + 6) * perToken)
    }
}
