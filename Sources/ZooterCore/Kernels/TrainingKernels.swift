import ZooterVectorMath

/// Element- and row-wise kernels of the encoder's backward pass (the GEMMs are `Kernels.linear`'s,
/// attention is `AttentionTrainingKernel`'s). Arrays in, arrays out; rows are split across
/// workers, and every sum over rows (bias and LayerNorm parameter gradients) runs serially in row
/// order, so results do not depend on the thread count.
enum TrainingKernels {
    /// Rows per task: enough work to pay for a dispatch.
    private static let rowChunk = 32

    /// g = GELU(u) (exact, erf form) for every element.
    static func gelu(_ u: [Float], threads: Int) -> [Float] {
        var g = [Float](repeating: 0, count: u.count)
        elementwise(u, into: &g, threads: threads) { x, y, n in
            var i = 0
            while i + 8 <= n { RowKernels.store(VectorMath.gelu(RowKernels.load(x + i)), y + i); i += 8 }
            while i < n {
                var lane = SIMD8<Float>(repeating: 0)
                lane[0] = x[i]
                y[i] = VectorMath.gelu(lane)[0]
                i += 1
            }
        }
        return g
    }

    /// dU = dG ⊙ GELU'(u), GELU'(u) = Φ(u) + u·φ(u).
    static func geluBackward(_ dG: [Float], preActivation u: [Float], threads: Int) -> [Float] {
        precondition(dG.count == u.count, "geluBackward: shape mismatch")
        var dU = [Float](repeating: 0, count: dG.count)
        let count = dG.count, chunk = 8192
        dG.withUnsafeBufferPointer { dgBuffer in
        u.withUnsafeBufferPointer { uBuffer in
        dU.withUnsafeMutableBufferPointer { duBuffer in
            Parallel.forEachTask((count + chunk - 1) / chunk, threads: count >= 2 * chunk ? threads : 1) { task in
                let start = task * chunk, end = min(count, start + chunk)
                let dg = dgBuffer.baseAddress!, x = uBuffer.baseAddress!, du = duBuffer.baseAddress!
                var i = start
                while i < end {
                    // Full lanes load directly; a tail is gathered into zero-padded lanes.
                    let lanes = min(8, end - i)
                    var value = SIMD8<Float>(repeating: 0), gradient = value
                    if lanes == 8 {
                        value = RowKernels.load(x + i)
                        gradient = RowKernels.load(dg + i)
                    } else {
                        for l in 0..<lanes { value[l] = x[i + l]; gradient[l] = dg[i + l] }
                    }
                    let cdf = 0.5 * (1 + VectorMath.erf(value * 0.707_106_781_186_547_5))
                    let density = VectorMath.exp(-0.5 * value * value) * 0.398_942_280_401_432_7
                    let result = gradient * cdf.addingProduct(value, density)
                    if lanes == 8 {
                        RowKernels.store(result, du + i)
                    } else {
                        for l in 0..<lanes { du[i + l] = result[l] }
                    }
                    i += lanes
                }
            }
        }
        }
        }
        return dU
    }

    /// LayerNorm of each `[columns]` row of `x`: returns the output and keeps x̂ and 1/σ per row.
    static func layerNormForward(
        _ x: [Float], rows: Int, gamma: [Float], beta: [Float], epsilon: Float, threads: Int
    ) -> (output: [Float], normalized: [Float], inverseStd: [Float]) {
        let n = gamma.count
        precondition(x.count == rows * n && beta.count == n, "layerNormForward: shape mismatch")
        var normalized = x, output = x
        var inverseStd = [Float](repeating: 0, count: rows)
        normalized.withUnsafeMutableBufferPointer { xhat in
        output.withUnsafeMutableBufferPointer { out in
        inverseStd.withUnsafeMutableBufferPointer { inv in
        gamma.withUnsafeBufferPointer { g in
        beta.withUnsafeBufferPointer { b in
            forEachRowChunk(rows, threads: threads) { row in
                let v = xhat.baseAddress! + row * n, y = out.baseAddress! + row * n
                var mean: Float = 0
                for j in 0..<n { mean += v[j] }
                mean /= Float(n)
                var variance: Float = 0
                for j in 0..<n { let c = v[j] - mean; variance += c * c }
                let inverse = 1 / (variance / Float(n) + epsilon).squareRoot()
                inv[row] = inverse
                for j in 0..<n {
                    v[j] = (v[j] - mean) * inverse
                    y[j] = v[j] * g[j] + b[j]
                }
            }
        }
        }
        }
        }
        }
        return (output, normalized, inverseStd)
    }

    /// dx = (1/σ)(dx̂ − mean(dx̂) − x̂·mean(dx̂ ⊙ x̂)) with dx̂ = dy ⊙ γ; adds Σ dy ⊙ x̂ to `dGamma`
    /// and Σ dy to `dBeta`.
    static func layerNormBackward(
        _ dy: [Float], normalized: [Float], inverseStd: [Float], gamma: [Float],
        dGamma: inout [Float], dBeta: inout [Float], threads: Int
    ) -> [Float] {
        let n = gamma.count, rows = inverseStd.count
        precondition(dy.count == rows * n && normalized.count == rows * n && dGamma.count == n && dBeta.count == n,
                     "layerNormBackward: shape mismatch")
        var dx = [Float](repeating: 0, count: dy.count)
        dy.withUnsafeBufferPointer { dyBuffer in
        normalized.withUnsafeBufferPointer { xhatBuffer in
        inverseStd.withUnsafeBufferPointer { inv in
        gamma.withUnsafeBufferPointer { g in
        dx.withUnsafeMutableBufferPointer { dxBuffer in
            forEachRowChunk(rows, threads: threads) { row in
                let d = dyBuffer.baseAddress! + row * n, xhat = xhatBuffer.baseAddress! + row * n
                let out = dxBuffer.baseAddress! + row * n
                var meanD: Float = 0, meanDX: Float = 0
                for j in 0..<n {
                    let dHat = d[j] * g[j]
                    meanD += dHat
                    meanDX += dHat * xhat[j]
                }
                meanD /= Float(n)
                meanDX /= Float(n)
                for j in 0..<n { out[j] = inv[row] * (d[j] * g[j] - meanD - xhat[j] * meanDX) }
            }
            dGamma.withUnsafeMutableBufferPointer { dg in
            dBeta.withUnsafeMutableBufferPointer { db in
                for row in 0..<rows {
                    let d = dyBuffer.baseAddress! + row * n, xhat = xhatBuffer.baseAddress! + row * n
                    for j in 0..<n {
                        dg[j] += d[j] * xhat[j]
                        db[j] += d[j]
                    }
                }
            }
            }
        }
        }
        }
        }
        }
        return dx
    }

    /// Adds the column sums of `x` (`[rows][columns]`) to `sums`, rows in order.
    static func addColumnSums(_ x: [Float], rows: Int, into sums: inout [Float]) {
        let n = sums.count
        precondition(x.count == rows * n, "addColumnSums: shape mismatch")
        x.withUnsafeBufferPointer { xs in
        sums.withUnsafeMutableBufferPointer { s in
            for row in 0..<rows { HeadKernels.axpy(1, xs.baseAddress! + row * n, s.baseAddress!, n) }
        }
        }
    }

    /// `[rows][columns]` → `[columns][rows]`.
    static func transpose(_ x: [Float], rows: Int, columns: Int) -> [Float] {
        precondition(x.count == rows * columns, "transpose: shape mismatch")
        var t = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xs in
        t.withUnsafeMutableBufferPointer { ts in
            let src = xs.baseAddress!, dst = ts.baseAddress!
            // 8 × 8 blocks keep both sides in cache lines.
            var r0 = 0
            while r0 < rows {
                var c0 = 0
                while c0 < columns {
                    for r in r0..<min(rows, r0 + 8) {
                        for c in c0..<min(columns, c0 + 8) { dst[c * rows + r] = src[r * columns + c] }
                    }
                    c0 += 8
                }
                r0 += 8
            }
        }
        }
        return t
    }

    private static func forEachRowChunk(_ rows: Int, threads: Int, _ body: (Int) -> Void) {
        Parallel.forEachTask((rows + rowChunk - 1) / rowChunk, threads: rows >= 2 * rowChunk ? threads : 1) { task in
            for row in (task * rowChunk)..<min(rows, (task + 1) * rowChunk) { body(row) }
        }
    }

    /// Runs `body(source, destination, count)` over chunks of the arrays on `threads` workers.
    private static func elementwise(
        _ source: [Float], into destination: inout [Float], threads: Int,
        _ body: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    ) {
        let count = source.count, chunk = 8192
        source.withUnsafeBufferPointer { s in
        destination.withUnsafeMutableBufferPointer { d in
            Parallel.forEachTask((count + chunk - 1) / chunk, threads: count >= 2 * chunk ? threads : 1) { task in
                let start = task * chunk
                body(s.baseAddress! + start, d.baseAddress! + start, min(chunk, count - start))
            }
        }
        }
    }
}
