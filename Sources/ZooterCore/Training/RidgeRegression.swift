/// Ridge regression of the whole reward vector on the query embedding: r̂(x) = r̄ + (x − x̄)·W.
///
/// A peer router that estimates every expert's expected reward directly and picks the largest,
/// the decision ZOOTER's softmax head approximates through its label distribution. The normal
/// equations are solved in Double by Cholesky; the statistics (centred Gram matrix and
/// cross-products) are computed once per training set, so trying several penalties costs one
/// d×d factorisation each.
struct RidgeRegression: Sendable {
    let inputs: Int
    let outputs: Int
    /// `[inputs][outputs]`, row-major.
    let weights: [Double]
    let inputMean: [Double]
    let outputMean: [Double]

    /// Sufficient statistics of a training set.
    struct Statistics: Sendable {
        let inputs: Int
        let outputs: Int
        /// Σ (x − x̄)(x − x̄)ᵀ, `[inputs][inputs]` (full, symmetric).
        let gram: [Double]
        /// Σ (x − x̄)(r − r̄)ᵀ, `[inputs][outputs]`.
        let cross: [Double]
        let inputMean: [Double]
        let outputMean: [Double]

        /// Mean diagonal of the Gram matrix: penalties are given relative to it, so one grid
        /// fits training sets of any size.
        var meanDiagonal: Double {
            var total = 0.0
            for i in 0..<inputs { total += gram[i * inputs + i] }
            return total / Double(max(inputs, 1))
        }

        init(embeddings: Matrix, rewards: RewardTable, rows: [Int]) {
            precondition(!rows.isEmpty, "ridge regression needs rows")
            let d = embeddings.columns, e = rewards.experts
            inputs = d
            outputs = e
            var xMean = [Double](repeating: 0, count: d)
            var rMean = [Double](repeating: 0, count: e)
            for r in rows {
                for (i, v) in embeddings.row(r).enumerated() { xMean[i] += Double(v) }
                for x in 0..<e { rMean[x] += rewards[r, x] }
            }
            let n = Double(rows.count)
            xMean = xMean.map { $0 / n }
            rMean = rMean.map { $0 / n }
            var gram = [Double](repeating: 0, count: d * d)
            var cross = [Double](repeating: 0, count: d * e)
            var centred = [Double](repeating: 0, count: d)
            var target = [Double](repeating: 0, count: e)
            for r in rows {
                for (i, v) in embeddings.row(r).enumerated() { centred[i] = Double(v) - xMean[i] }
                for x in 0..<e { target[x] = rewards[r, x] - rMean[x] }
                HeadKernels.addOuterProductUpper(centred, to: &gram)  // mirrored below
                for i in 0..<d {
                    for x in 0..<e { cross[i * e + x] += centred[i] * target[x] }
                }
            }
            for i in 0..<d { for j in 0..<i { gram[i * d + j] = gram[j * d + i] } }
            self.gram = gram
            self.cross = cross
            inputMean = xMean
            outputMean = rMean
        }
    }

    /// Solves (G + penalty·I) W = C. `relativePenalty` multiplies the Gram matrix's mean diagonal.
    init(statistics s: Statistics, relativePenalty: Double) {
        let d = s.inputs, e = s.outputs
        var a = s.gram
        let penalty = max(relativePenalty * s.meanDiagonal, 1e-9)
        for i in 0..<d { a[i * d + i] += penalty }
        // Cholesky A = L Lᵀ in place (lower triangle). A is symmetric positive definite because
        // the penalty is positive.
        for j in 0..<d {
            var diagonal = a[j * d + j]
            for k in 0..<j { diagonal -= a[j * d + k] * a[j * d + k] }
            let root = diagonal.squareRoot()
            a[j * d + j] = root
            for i in (j + 1)..<max(j + 1, d) {
                var value = a[i * d + j]
                for k in 0..<j { value -= a[i * d + k] * a[j * d + k] }
                a[i * d + j] = value / root
            }
        }
        var w = s.cross
        for x in 0..<e {
            // Forward (L y = c) then backward (Lᵀ w = y) substitution, column x of W.
            for i in 0..<d {
                var value = w[i * e + x]
                for k in 0..<i { value -= a[i * d + k] * w[k * e + x] }
                w[i * e + x] = value / a[i * d + i]
            }
            for i in stride(from: d - 1, through: 0, by: -1) {
                var value = w[i * e + x]
                for k in (i + 1)..<max(i + 1, d) { value -= a[k * d + i] * w[k * e + x] }
                w[i * e + x] = value / a[i * d + i]
            }
        }
        inputs = d
        outputs = e
        weights = w
        inputMean = s.inputMean
        outputMean = s.outputMean
    }

    /// Predicted reward vectors for `rows` of `embeddings`, `[rows.count][outputs]`.
    func predict(_ embeddings: Matrix, rows: [Int]) -> [[Double]] {
        rows.map { r in
            var out = outputMean
            for (i, v) in embeddings.row(r).enumerated() {
                let centred = Double(v) - inputMean[i]
                for x in 0..<outputs { out[x] += centred * weights[i * outputs + x] }
            }
            return out
        }
    }
}
