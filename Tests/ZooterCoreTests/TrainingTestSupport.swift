import Foundation
@testable import ZooterCore

/// Fixtures for the training and evaluation tests (locations live in TestSupport.swift).
extension TestSupport {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Random L2-normalised rows.
    static func randomEmbeddings(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var g = SeededGenerator(seed: seed)
        var m = Matrix(rows: rows, columns: columns)
        for r in 0..<rows {
            var norm: Float = 0
            for c in 0..<columns { let v = Float(g.normal()); m[r, c] = v; norm += v * v }
            for c in 0..<columns { m[r, c] /= norm.squareRoot() }
        }
        return m
    }

    /// A separable routing problem: `experts` clusters in embedding space; queries of cluster e get
    /// reward 1 from expert e and 0.1 from the others. Source = "cluster-e".
    static func separableDataset(perCluster: Int, experts: Int, dimension: Int = 32, seed: UInt64 = 7)
        -> (RoutingDataset, Matrix) {
        var g = SeededGenerator(seed: seed)
        let names = (0..<experts).map { "expert-\($0)" }
        var examples: [RoutingExample] = []
        var embeddings = Matrix(rows: perCluster * experts, columns: dimension)
        var order = Array(0..<(perCluster * experts))
        g.shuffle(&order)
        for (row, item) in order.enumerated() {
            let cluster = item % experts
            var norm: Float = 0
            for c in 0..<dimension {
                let centre: Float = c == cluster ? 3 : 0
                let v = centre + Float(g.normal()) * 0.5
                embeddings[row, c] = v
                norm += v * v
            }
            for c in 0..<dimension { embeddings[row, c] /= norm.squareRoot() }
            let rewards = (0..<experts).map { $0 == cluster ? 1.0 : 0.1 }
            examples.append(RoutingExample(id: "q\(row)", query: "query \(row)", source: "cluster-\(cluster)",
                                           rewards: rewards))
        }
        return (RoutingDataset(experts: names, examples: examples), embeddings)
    }
}

/// |a − b| ≤ absolute + relative·|b|.
func isClose(_ a: Double, _ b: Double, absolute: Double, relative: Double = 0) -> Bool {
    abs(a - b) <= absolute + relative * abs(b)
}
