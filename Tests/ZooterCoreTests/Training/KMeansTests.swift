import Testing
@testable import ZooterCore

@Suite struct KMeansTests {
    @Test func recoversSeparatedClustersDeterministically() {
        let (dataset, x) = TestSupport.separableDataset(perCluster: 30, experts: 3)
        let rows = Array(0..<x.rows)
        let a = KMeans.fit(x, rows: rows, clusters: 3, seed: 9), b = KMeans.fit(x, rows: rows, clusters: 3, seed: 9)
        #expect(a.centroids.values == b.centroids.values)
        let assignment = a.assign(x)
        // Each true cluster maps to exactly one k-means cluster.
        var mapping: [String: Set<Int>] = [:]
        for (r, c) in assignment.enumerated() { mapping[dataset.examples[r].source ?? "", default: []].insert(c) }
        #expect(mapping.values.allSatisfy { $0.count == 1 })
        #expect(Set(mapping.values.map { $0.first ?? -1 }).count == 3)
    }

    @Test func kmeansTagsAreFittedOnTrainingRowsOnly() {
        let (dataset, x) = TestSupport.separableDataset(perCluster: 10, experts: 3)
        let tags = TagSource.kmeans(2).assign(dataset: dataset, embeddings: x, trainingRows: Array(0..<15), seed: 1)
        #expect(tags.count == dataset.count)
        #expect(tags.allSatisfy { $0.count == 1 && $0[0].hasPrefix("cluster:") })
        // Changing non-training rows changes nothing about the fitted centroids.
        var garbled = x
        for r in 15..<x.rows { for c in 0..<x.columns { garbled[r, c] = Float(r * c % 7) } }
        #expect(KMeans.fit(x, rows: Array(0..<15), clusters: 2, seed: 1).centroids
                == KMeans.fit(garbled, rows: Array(0..<15), clusters: 2, seed: 1).centroids)
        #expect(TagSource(argument: "kmeans:12") == .kmeans(12))
        #expect(TagSource(argument: "kmeans:1") == nil)
        #expect(TagSource(argument: "bogus") == nil)
    }
}
