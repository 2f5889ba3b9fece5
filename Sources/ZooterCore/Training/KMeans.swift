/// k-means over embedding rows (squared Euclidean), k-means++ initialisation, Lloyd iterations.
public struct KMeans: Sendable {
    /// `[k][d]` centroids.
    public let centroids: Matrix

    /// Fits on `rows` of `points` (`[n][d]`). Deterministic for a seed. k is capped at rows.count.
    public static func fit(_ points: Matrix, rows: [Int], clusters: Int, seed: UInt64,
                           maxIterations: Int = 50) -> KMeans {
        precondition(!rows.isEmpty && clusters >= 1, "k-means needs rows and clusters")
        let k = min(clusters, rows.count)
        let d = points.columns
        var generator = SeededGenerator(seed: seed, stream: 0x4B4D)
        // k-means++: first centre uniform, then proportional to squared distance to the nearest centre.
        var chosen = [rows[generator.int(below: rows.count)]]
        var nearest = [Double](repeating: .infinity, count: rows.count)
        while chosen.count < k {
            let last = points.row(chosen[chosen.count - 1])
            var total = 0.0
            for (i, r) in rows.enumerated() {
                nearest[i] = min(nearest[i], squaredDistance(points.row(r), last))
                total += nearest[i]
            }
            guard total > 0 else { break }  // fewer distinct points than k
            var target = generator.unitDouble() * total
            var pick = rows.count - 1
            for i in rows.indices {
                target -= nearest[i]
                if target < 0 { pick = i; break }
            }
            chosen.append(rows[pick])
        }
        var centroids = points.selectingRows(chosen)
        var assignment = [Int](repeating: -1, count: rows.count)
        for _ in 0..<maxIterations {
            let model = KMeans(centroids: centroids)
            var changed = false
            for (i, r) in rows.enumerated() {
                let c = model.nearest(points.row(r))
                if c != assignment[i] { assignment[i] = c; changed = true }
            }
            if !changed { break }
            var sums = [Double](repeating: 0, count: centroids.rows * d)
            var counts = [Int](repeating: 0, count: centroids.rows)
            for (i, r) in rows.enumerated() {
                counts[assignment[i]] += 1
                for (j, v) in points.row(r).enumerated() { sums[assignment[i] * d + j] += Double(v) }
            }
            for c in 0..<centroids.rows where counts[c] > 0 {
                for j in 0..<d { centroids[c, j] = Float(sums[c * d + j] / Double(counts[c])) }
            }
        }
        return KMeans(centroids: centroids)
    }

    public init(centroids: Matrix) {
        self.centroids = centroids
    }

    /// Index of the nearest centroid (ties to the lower index).
    public func nearest(_ point: ArraySlice<Float>) -> Int {
        var best = 0
        var bestDistance = Double.infinity
        for c in 0..<centroids.rows {
            let dist = KMeans.squaredDistance(point, centroids.row(c))
            if dist < bestDistance { bestDistance = dist; best = c }
        }
        return best
    }

    /// Nearest centroid for every row of `points`.
    public func assign(_ points: Matrix) -> [Int] {
        (0..<points.rows).map { nearest(points.row($0)) }
    }

    static func squaredDistance(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Double {
        var s: Float = 0
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex {
            let diff = a[i] - b[j]
            s += diff * diff
            i += 1
            j += 1
        }
        return Double(s)
    }
}
