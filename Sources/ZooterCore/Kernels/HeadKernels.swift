/// Low-level SIMD kernels for the routing heads: dot products and AXPYs over `Float` rows.
///
/// This file and its `Head*`/`Loss*` siblings are the only places in ZooterCore that use unsafe
/// pointers. Vectors are processed in `SIMD16<Float>` chunks with fused multiply-adds
/// (`addingProduct`, which lowers to `vfmadd` with `-target-cpu haswell`), then a scalar tail.
/// The scalar references in the tests are the oracle.
enum HeadKernels {
    /// Σ a[i]·b[i] for i in 0..<count.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= count {
            acc0 = acc0.addingProduct(load16(a + i), load16(b + i))
            acc1 = acc1.addingProduct(load16(a + i + 16), load16(b + i + 16))
            i += 32
        }
        if i + 16 <= count {
            acc0 = acc0.addingProduct(load16(a + i), load16(b + i))
            i += 16
        }
        var sum = (acc0 + acc1).sum()
        while i < count { sum += a[i] * b[i]; i += 1 }
        return sum
    }

    /// Four dot products of one row `w` against four rows `x0…x3` (loads `w` once per chunk).
    @inline(__always)
    static func dot4(_ w: UnsafePointer<Float>, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                     _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>, _ count: Int) -> SIMD4<Float> {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var i = 0
        while i + 16 <= count {
            let wv = load16(w + i)
            a0 = a0.addingProduct(wv, load16(x0 + i))
            a1 = a1.addingProduct(wv, load16(x1 + i))
            a2 = a2.addingProduct(wv, load16(x2 + i))
            a3 = a3.addingProduct(wv, load16(x3 + i))
            i += 16
        }
        var out = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while i < count {
            out = out.addingProduct(SIMD4(repeating: w[i]), SIMD4(x0[i], x1[i], x2[i], x3[i]))
            i += 1
        }
        return out
    }

    /// y[i] += alpha · x[i].
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let a = SIMD16<Float>(repeating: alpha)
        var i = 0
        while i + 16 <= count {
            store16(load16(UnsafePointer(y + i)).addingProduct(a, load16(x + i)), y + i)
            i += 16
        }
        while i < count { y[i] += alpha * x[i]; i += 1 }
    }

    /// y[i] += Σₖ alphas[k] · xₖ[i] (reads and writes `y` once for four updates).
    @inline(__always)
    static func axpy4(_ alphas: SIMD4<Float>, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
                      _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>,
                      _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let c0 = SIMD16<Float>(repeating: alphas[0]), c1 = SIMD16<Float>(repeating: alphas[1])
        let c2 = SIMD16<Float>(repeating: alphas[2]), c3 = SIMD16<Float>(repeating: alphas[3])
        var i = 0
        while i + 16 <= count {
            var acc = load16(UnsafePointer(y + i))
            acc = acc.addingProduct(c0, load16(x0 + i))
            acc = acc.addingProduct(c1, load16(x1 + i))
            acc = acc.addingProduct(c2, load16(x2 + i))
            acc = acc.addingProduct(c3, load16(x3 + i))
            store16(acc, y + i)
            i += 16
        }
        while i < count {
            y[i] += alphas[0] * x0[i] + alphas[1] * x1[i] + alphas[2] * x2[i] + alphas[3] * x3[i]
            i += 1
        }
    }

    @inline(__always)
    static func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store16(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store8(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}

// MARK: - Safe entry points used outside the kernels folder

extension HeadKernels {
    /// `out[r][c] = a.row(rowsA[r]) · b.row(rowsB[c])`: a `[rowsA.count][rowsB.count]` matrix of
    /// dot products (cosine similarities for L2-normalised embeddings). Blocked by four rows of `a`.
    static func crossDot(_ a: Matrix, rows rowsA: [Int], _ b: Matrix, rows rowsB: [Int]) -> Matrix {
        precondition(a.columns == b.columns, "crossDot needs equal row widths")
        let d = a.columns
        var out = Matrix(rows: rowsA.count, columns: rowsB.count)
        let width = rowsB.count
        a.values.withUnsafeBufferPointer { ap in
            b.values.withUnsafeBufferPointer { bp in
                out.values.withUnsafeMutableBufferPointer { op in
                    guard let abase = ap.baseAddress, let bbase = bp.baseAddress, let obase = op.baseAddress else { return }
                    var r = 0
                    while r + 4 <= rowsA.count {
                        let x0 = abase + rowsA[r] * d, x1 = abase + rowsA[r + 1] * d
                        let x2 = abase + rowsA[r + 2] * d, x3 = abase + rowsA[r + 3] * d
                        for c in 0..<width {
                            let s = dot4(bbase + rowsB[c] * d, x0, x1, x2, x3, d)
                            obase[r * width + c] = s[0]
                            obase[(r + 1) * width + c] = s[1]
                            obase[(r + 2) * width + c] = s[2]
                            obase[(r + 3) * width + c] = s[3]
                        }
                        r += 4
                    }
                    while r < rowsA.count {
                        for c in 0..<width {
                            obase[r * width + c] = dot(abase + rowsA[r] * d, bbase + rowsB[c] * d, d)
                        }
                        r += 1
                    }
                }
            }
        }
        return out
    }

    /// Scalar-reference-checked dot product of two equal-length arrays (safe wrapper).
    static func dot(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "dot needs equal lengths")
        return a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                guard let x = ap.baseAddress, let y = bp.baseAddress else { return 0 }
                return dot(x, y, a.count)
            }
        }
    }
}
