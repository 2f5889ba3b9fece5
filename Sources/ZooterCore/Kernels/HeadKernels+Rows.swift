/// Row-wise helpers for the small linear models outside the kernels folder (the reward model's
/// trainer, ridge regression), so that their pointer loops live here with the other kernels.
extension HeadKernels {
    /// One dot product per row of `m` with `v`.
    static func rowDots(_ m: Matrix, _ v: [Float]) -> [Float] {
        precondition(v.count == m.columns, "one weight per column")
        let k = m.columns
        return m.values.withUnsafeBufferPointer { rows in
            v.withUnsafeBufferPointer { w in
                (0..<m.rows).map { dot(rows.baseAddress! + $0 * k, w.baseAddress!, k) }
            }
        }
    }

    /// `accumulator += Σ_r coefficients[r] · row r of m` (rows with a zero coefficient skipped).
    static func accumulateRows(_ m: Matrix, coefficients: [Float], into accumulator: inout [Float]) {
        precondition(coefficients.count == m.rows && accumulator.count == m.columns, "one coefficient per row")
        let k = m.columns
        m.values.withUnsafeBufferPointer { rows in
            accumulator.withUnsafeMutableBufferPointer { out in
                for r in 0..<m.rows where coefficients[r] != 0 {
                    axpy(coefficients[r], rows.baseAddress! + r * k, out.baseAddress!, k)
                }
            }
        }
    }

    /// The upper triangle of `gram` (`[d][d]`) += v vᵀ; the inner loop vectorises.
    static func addOuterProductUpper(_ v: [Double], to gram: inout [Double]) {
        let d = v.count
        precondition(gram.count == d * d, "a d × d matrix")
        gram.withUnsafeMutableBufferPointer { g in
            v.withUnsafeBufferPointer { c in
                for i in 0..<d {
                    let ci = c[i]
                    let base = i * d
                    for j in i..<d { g[base + j] += ci * c[j] }
                }
            }
        }
    }
}
