import ZooterVectorMath

/// The GEMM micro-kernel at 512-bit width: `SIMD16<Float>` accumulators, one zmm register each.
///
/// This module is compiled with AVX-512F enabled (Package.swift) and the rest of the package is
/// not, so the same binary runs on every AVX2 host: nothing here may execute before ZooterCore's
/// `VectorWidth` has seen `avx512f` on the CPU. That is why the module holds nothing but these two
/// entry points (no globals, no initialisers, no protocol conformances), and why both are
/// `@inline(never)`: inlined into a caller compiled for AVX2, the body would silently be 256-bit.
///
/// Layouts: `a` points at row 0 of up to 6 rows of A, row-major with stride `lda` (read in place:
/// A is not packed at this width, its 6 row streams stay in L1); each panel is one of ZooterCore's
/// packed B panels `[k][16]`; C is row-major with stride `ldc`. The accumulators start from the stored C
/// (`accumulate`, K blocks after the first), else from `bias` (already offset to the tile's first
/// column) or zero, so each element is one FMA chain across K blocks, as in the 256-bit kernel:
/// the two widths give the same bits. The accumulators are stored, and then `finish` applies exact
/// GELU (`gelu`; the same `VectorMath.gelu` as the 256-bit kernel, compiled here at 16 lanes) and
/// a `residual` (row stride `residualStride`, never overlapping C), in that order, to the tile
/// while it is in L1.
public enum AVX512MicroKernel {
    /// `C[0..<rows][0..<32] (+)= A_tile · [panel0 | panel1]` over `k` steps: 12 zmm accumulators
    /// (6 rows × 2 panels), 2 panel loads and 6 broadcasts per 12 FMAs.
    @inline(never)
    public static func accumulate6x32(
        rows: Int, a: UnsafePointer<Float>, lda: Int, panel0: UnsafePointer<Float>, panel1: UnsafePointer<Float>,
        k: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
        bias: UnsafePointer<Float>?, gelu: Bool, residual: UnsafePointer<Float>?, residualStride: Int
    ) {
        var c00 = SIMD16<Float>(), c01 = SIMD16<Float>()
        var c10 = SIMD16<Float>(), c11 = SIMD16<Float>()
        var c20 = SIMD16<Float>(), c21 = SIMD16<Float>()
        var c30 = SIMD16<Float>(), c31 = SIMD16<Float>()
        var c40 = SIMD16<Float>(), c41 = SIMD16<Float>()
        var c50 = SIMD16<Float>(), c51 = SIMD16<Float>()
        if accumulate {
            (c00, c01) = (stored(c, row: 0, rows: rows, ldc: ldc), stored(c + 16, row: 0, rows: rows, ldc: ldc))
            (c10, c11) = (stored(c, row: 1, rows: rows, ldc: ldc), stored(c + 16, row: 1, rows: rows, ldc: ldc))
            (c20, c21) = (stored(c, row: 2, rows: rows, ldc: ldc), stored(c + 16, row: 2, rows: rows, ldc: ldc))
            (c30, c31) = (stored(c, row: 3, rows: rows, ldc: ldc), stored(c + 16, row: 3, rows: rows, ldc: ldc))
            (c40, c41) = (stored(c, row: 4, rows: rows, ldc: ldc), stored(c + 16, row: 4, rows: rows, ldc: ldc))
            (c50, c51) = (stored(c, row: 5, rows: rows, ldc: ldc), stored(c + 16, row: 5, rows: rows, ldc: ldc))
        } else if let bias {
            let b = UnsafeRawPointer(bias)
            c00 = b.loadUnaligned(as: SIMD16<Float>.self)
            c01 = b.loadUnaligned(fromByteOffset: 64, as: SIMD16<Float>.self)
            (c10, c11, c20, c21, c30, c31) = (c00, c01, c00, c01, c00, c01)
            (c40, c41, c50, c51) = (c00, c01, c00, c01)
        }
        let (a0, a1, a2, a3, a4, a5) = rowPointers(a, lda: lda, rows: rows)
        var b0p = UnsafeRawPointer(panel0), b1p = UnsafeRawPointer(panel1)
        for p in 0..<k {
            let b0 = b0p.loadUnaligned(as: SIMD16<Float>.self)
            let b1 = b1p.loadUnaligned(as: SIMD16<Float>.self)
            var s = SIMD16<Float>(repeating: a0[p])
            c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a1[p])
            c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a2[p])
            c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a3[p])
            c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a4[p])
            c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
            s = SIMD16<Float>(repeating: a5[p])
            c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
            b0p += 64
            b1p += 64
        }
        put(c00, c01, row: 0, rows: rows, c: c, ldc: ldc); put(c10, c11, row: 1, rows: rows, c: c, ldc: ldc)
        put(c20, c21, row: 2, rows: rows, c: c, ldc: ldc); put(c30, c31, row: 3, rows: rows, c: c, ldc: ldc)
        put(c40, c41, row: 4, rows: rows, c: c, ldc: ldc); put(c50, c51, row: 5, rows: rows, c: c, ldc: ldc)
        if gelu || residual != nil {
            finish(rows: rows, vectors: 2, c: c, ldc: ldc, gelu: gelu, residual: residual, residualStride: residualStride)
        }
    }

    /// `C[0..<rows][0..<16] (+)= A_tile · panel` (a single full panel, e.g. an odd last one).
    @inline(never)
    public static func accumulate6x16(
        rows: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>,
        k: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool,
        bias: UnsafePointer<Float>?, gelu: Bool, residual: UnsafePointer<Float>?, residualStride: Int
    ) {
        var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
        var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
        if accumulate {
            (c0, c1, c2) = (stored(c, row: 0, rows: rows, ldc: ldc), stored(c, row: 1, rows: rows, ldc: ldc),
                            stored(c, row: 2, rows: rows, ldc: ldc))
            (c3, c4, c5) = (stored(c, row: 3, rows: rows, ldc: ldc), stored(c, row: 4, rows: rows, ldc: ldc),
                            stored(c, row: 5, rows: rows, ldc: ldc))
        } else if let bias {
            c0 = UnsafeRawPointer(bias).loadUnaligned(as: SIMD16<Float>.self)
            (c1, c2, c3, c4, c5) = (c0, c0, c0, c0, c0)
        }
        let (a0, a1, a2, a3, a4, a5) = rowPointers(a, lda: lda, rows: rows)
        var bp = UnsafeRawPointer(panel)
        for p in 0..<k {
            let b = bp.loadUnaligned(as: SIMD16<Float>.self)
            c0 = c0.addingProduct(SIMD16<Float>(repeating: a0[p]), b)
            c1 = c1.addingProduct(SIMD16<Float>(repeating: a1[p]), b)
            c2 = c2.addingProduct(SIMD16<Float>(repeating: a2[p]), b)
            c3 = c3.addingProduct(SIMD16<Float>(repeating: a3[p]), b)
            c4 = c4.addingProduct(SIMD16<Float>(repeating: a4[p]), b)
            c5 = c5.addingProduct(SIMD16<Float>(repeating: a5[p]), b)
            bp += 64
        }
        put(c0, row: 0, rows: rows, c: c, ldc: ldc); put(c1, row: 1, rows: rows, c: c, ldc: ldc)
        put(c2, row: 2, rows: rows, c: c, ldc: ldc); put(c3, row: 3, rows: rows, c: c, ldc: ldc)
        put(c4, row: 4, rows: rows, c: c, ldc: ldc); put(c5, row: 5, rows: rows, c: c, ldc: ldc)
        if gelu || residual != nil {
            finish(rows: rows, vectors: 1, c: c, ldc: ldc, gelu: gelu, residual: residual, residualStride: residualStride)
        }
    }

    /// The six rows' pointers; rows past the valid ones repeat the last valid row (computed on,
    /// never stored), so nothing past A is read.
    @inline(__always)
    private static func rowPointers(_ a: UnsafePointer<Float>, lda: Int, rows: Int) -> (
        UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>,
        UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>
    ) {
        let last = rows - 1
        return (a, a + min(1, last) * lda, a + min(2, last) * lda,
                a + min(3, last) * lda, a + min(4, last) * lda, a + min(5, last) * lda)
    }

    /// 16 columns of row `row` as stored in C (zeros past the valid rows).
    @inline(__always)
    private static func stored(_ c: UnsafeMutablePointer<Float>, row: Int, rows: Int, ldc: Int) -> SIMD16<Float> {
        row < rows ? UnsafeRawPointer(c + row * ldc).loadUnaligned(as: SIMD16<Float>.self) : SIMD16<Float>()
    }

    /// Stores 32 columns of row `row` as accumulated, if it is one of the valid `rows`.
    @inline(__always)
    private static func put(
        _ x0: SIMD16<Float>, _ x1: SIMD16<Float>, row: Int, rows: Int, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard row < rows else { return }
        let out = UnsafeMutableRawPointer(c + row * ldc)
        out.storeBytes(of: x0, as: SIMD16<Float>.self)
        out.storeBytes(of: x1, toByteOffset: 64, as: SIMD16<Float>.self)
    }

    /// Stores 16 columns of row `row` as accumulated, if it is one of the valid `rows`.
    @inline(__always)
    private static func put(_ x: SIMD16<Float>, row: Int, rows: Int, c: UnsafeMutablePointer<Float>, ldc: Int) {
        guard row < rows else { return }
        UnsafeMutableRawPointer(c + row * ldc).storeBytes(of: x, as: SIMD16<Float>.self)
    }

    /// The epilogue over the tile just stored (still in L1): GELU if `gelu`, then plus the
    /// residual's row, for `vectors` 16-column vectors of each valid row. A loop of its own rather
    /// than code at each of the kernel's twelve stores: there the optimiser outlined it into a call
    /// per vector (`SIMD16` passed as four xmm registers, a stack frame, and `exp` called out of
    /// line), 8 % of a 256-token pass; here `gelu` is inlined once, whole, at 16 lanes.
    @inline(never)
    private static func finish(
        rows: Int, vectors: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
        gelu: Bool, residual: UnsafePointer<Float>?, residualStride: Int
    ) {
        for row in 0..<rows {
            let out = UnsafeMutableRawPointer(c + row * ldc)
            for v in 0..<vectors {
                var y = out.loadUnaligned(fromByteOffset: v * 64, as: SIMD16<Float>.self)
                if gelu { y = VectorMath.gelu(y) }
                if let residual {
                    y += UnsafeRawPointer(residual + row * residualStride).loadUnaligned(fromByteOffset: v * 64, as: SIMD16<Float>.self)
                }
                out.storeBytes(of: y, toByteOffset: v * 64, as: SIMD16<Float>.self)
            }
        }
    }
}
