import Foundation
import ZooterCore

/// The seam between trainer commands and the encoder: the encoder's identity (recorded in
/// reports, the embedding-cache key) and a batch embedding function.
func loadEmbedder(modelDirectory: String, threads: Int) throws -> (identity: String, embed: ([String]) throws -> Matrix) {
    let encoder = try TextEncoder(modelDirectory: URL(fileURLWithPath: modelDirectory), threads: threads)
    return (identity: encoder.identity.description, embed: { try encoder.embed($0) })
}
