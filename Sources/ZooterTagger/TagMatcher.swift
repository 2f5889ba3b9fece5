public import ZooterCore

/// Assigns taxonomy tags to query embeddings by cosine similarity, with per-tag calibration.
///
/// Each tag's vector is the normalised mean of its description and examples. Raw cosines are not
/// comparable across tags (some descriptions sit closer to everything), so each tag is
/// calibrated: μ and σ of its similarity to the other tags' texts (the background). A tag fires
/// when its z-score (sim − μ) / σ reaches `minZ`; the strongest `maxTags` are kept.
public struct TagMatcher: Sendable {
    public let names: [String]
    /// Tag vectors, `[tags][dimension]`, unit norm.
    let vectors: Matrix
    let mean: [Float]
    let deviation: [Float]
    public var minZ: Float

    public init(taxonomy: Taxonomy, embed: ([String]) throws -> Matrix, minZ: Float = 2.0) throws {
        var texts: [String] = []
        var owner: [Int] = []
        for (index, tag) in taxonomy.tags.enumerated() {
            for text in [tag.description] + tag.examples {
                texts.append(text)
                owner.append(index)
            }
        }
        let embedded = try embed(texts)
        let dimension = embedded.columns
        var vectors = Matrix(rows: taxonomy.tags.count, columns: dimension)
        for (row, tag) in owner.enumerated() {
            for column in 0..<dimension { vectors[tag, column] += embedded[row, column] }
        }
        for tag in 0..<vectors.rows { Self.normalize(&vectors, row: tag) }
        var mean = [Float](repeating: 0, count: vectors.rows)
        var deviation = [Float](repeating: 1, count: vectors.rows)
        for tag in 0..<vectors.rows {
            let background = (0..<texts.count).filter { owner[$0] != tag }.map { Self.dot(vectors.row(tag), embedded.row($0)) }
            let mu = background.reduce(0, +) / Float(max(1, background.count))
            let variance = background.reduce(0) { $0 + ($1 - mu) * ($1 - mu) } / Float(max(1, background.count))
            mean[tag] = mu
            deviation[tag] = max(variance.squareRoot(), 1e-3)
        }
        self.names = taxonomy.tags.map(\.name)
        self.vectors = vectors
        self.mean = mean
        self.deviation = deviation
        self.minZ = minZ
    }

    /// Tags for one unit-norm embedding: (name, cosine) strongest first, at most `maxTags`, with
    /// cosine ≥ `minScore`.
    public func tags(for embedding: ArraySlice<Float>, maxTags: Int, minScore: Float) -> [(name: String, score: Float)] {
        var hits: [(name: String, score: Float, z: Float)] = []
        for tag in 0..<vectors.rows {
            let similarity = Self.dot(vectors.row(tag), embedding)
            let z = (similarity - mean[tag]) / deviation[tag]
            if z >= minZ && similarity >= minScore { hits.append((names[tag], similarity, z)) }
        }
        hits.sort { $0.z > $1.z }
        return hits.prefix(maxTags).map { ($0.name, $0.score) }
    }

    static func dot(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        var sum: Float = 0
        for (x, y) in zip(a, b) { sum += x * y }
        return sum
    }

    static func normalize(_ matrix: inout Matrix, row: Int) {
        let norm = matrix.row(row).reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return }
        for column in 0..<matrix.columns { matrix[row, column] /= norm }
    }
}
