import Foundation
import Testing
@testable import ZooterCore

struct KMeansFileTests {
    @Test func centroidsRoundTripAndWrongWidthIsRejected() throws {
        let points = TestSupport.randomEmbeddings(rows: 40, columns: 8, seed: 3)
        let fitted = KMeans.fit(points, rows: Array(0..<40), clusters: 4, seed: 1)
        let url = try TestSupport.temporaryDirectory().appendingPathComponent("centroids.safetensors")
        try fitted.save(to: url)
        let loaded = try KMeans.load(from: url, dimension: 8)
        #expect(loaded.centroids == fitted.centroids)  // exact: raw float32 bits round-trip
        #expect(loaded.assign(points) == fitted.assign(points))
        #expect(throws: CoreError.self) { try KMeans.load(from: url, dimension: 16) }
    }
}
