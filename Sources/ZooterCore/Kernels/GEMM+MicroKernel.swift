import ZooterKernelsAVX512
import ZooterVectorMath

/// The 6 × 16 register-blocked micro-kernel (256 bits; the 512-bit one is `AVX512MicroKernel`).
///
/// 12 SIMD8 accumulators (6 rows × 2 halves of a 16-column panel) + 2 panel loads + 1 broadcast =
/// 15 of the 16 AVX2 ymm registers. Each `k` step issues 12 FMAs (`addingProduct` lowers to
/// `vfmadd231ps` with `-target-cpu haswell`) for 2 vector loads and 6 broadcasts, all from two
/// contiguous streams (packed A tile, packed B panel).
extension GEMM {
    /// What is added to and applied on the products, in this order. The bias is where the
    /// accumulators start (first K block); GELU and the residual follow the last K block.
    struct Epilogue {
        /// Padded bias `[panelCount * 16]`, indexed by absolute column, or nil.
        var bias: UnsafePointer<Float>?
        /// Apply exact (erf) GELU after the bias.
        var gelu = false
        /// Residual `R` added last: element `(r, c)` at `residual[r * residualStride + c]`. Must not
        /// overlap C: both kernels store the tile before adding it (`Kernels.linear` takes them as
        /// separate arrays, so no caller can alias them).
        var residual: UnsafePointer<Float>?
        var residualStride = 0

        static var none: Epilogue { Epilogue() }
    }

    /// Computes `rows` (1...6) rows × `cols` (≤ 16) columns of C from a packed A tile
    /// (`[k][6]`: the 6 row values of step p are contiguous) and a packed B panel (`[k][16]`).
    /// The accumulators start from the stored C values with `accumulate` (K blocks after the
    /// first), else from `bias` (indexed by absolute column) or zero, so every element is one FMA
    /// chain from its bias over all of k whatever the K blocking: the 512-bit kernel, blocked
    /// differently, gives the same bits. `epilogue`'s GELU and residual are applied to the stored
    /// tile (its bias is not: pass it as `bias`). Rows/columns past the valid ones are computed on
    /// padding and never stored.
    @inline(__always)
    static func microTile(
        rows: Int, a: UnsafePointer<Float>, panel: UnsafePointer<Float>, k: Int,
        c: UnsafeMutablePointer<Float>, ldc: Int, cols: Int,
        accumulate: Bool, bias: UnsafePointer<Float>?, epilogue: Epilogue, columnOffset: Int
    ) {
        var c00 = SIMD8<Float>(), c01 = SIMD8<Float>()
        var c10 = SIMD8<Float>(), c11 = SIMD8<Float>()
        var c20 = SIMD8<Float>(), c21 = SIMD8<Float>()
        var c30 = SIMD8<Float>(), c31 = SIMD8<Float>()
        var c40 = SIMD8<Float>(), c41 = SIMD8<Float>()
        var c50 = SIMD8<Float>(), c51 = SIMD8<Float>()
        if accumulate {
            (c00, c01) = storedRow(0, rows: rows, c: c, ldc: ldc, cols: cols)
            (c10, c11) = storedRow(1, rows: rows, c: c, ldc: ldc, cols: cols)
            (c20, c21) = storedRow(2, rows: rows, c: c, ldc: ldc, cols: cols)
            (c30, c31) = storedRow(3, rows: rows, c: c, ldc: ldc, cols: cols)
            (c40, c41) = storedRow(4, rows: rows, c: c, ldc: ldc, cols: cols)
            (c50, c51) = storedRow(5, rows: rows, c: c, ldc: ldc, cols: cols)
        } else if let bias {
            let b = UnsafeRawPointer(bias + columnOffset)
            c00 = b.loadUnaligned(as: SIMD8<Float>.self)
            c01 = b.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            (c10, c11, c20, c21, c30, c31) = (c00, c01, c00, c01, c00, c01)
            (c40, c41, c50, c51) = (c00, c01, c00, c01)
        }
        var bp = UnsafeRawPointer(panel)
        var ap = a
        for _ in 0..<k {
            let b0 = bp.loadUnaligned(as: SIMD8<Float>.self)
            let b1 = bp.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self)
            var s = SIMD8<Float>(repeating: ap[0])
            c00 = c00.addingProduct(s, b0); c01 = c01.addingProduct(s, b1)
            s = SIMD8<Float>(repeating: ap[1])
            c10 = c10.addingProduct(s, b0); c11 = c11.addingProduct(s, b1)
            s = SIMD8<Float>(repeating: ap[2])
            c20 = c20.addingProduct(s, b0); c21 = c21.addingProduct(s, b1)
            s = SIMD8<Float>(repeating: ap[3])
            c30 = c30.addingProduct(s, b0); c31 = c31.addingProduct(s, b1)
            s = SIMD8<Float>(repeating: ap[4])
            c40 = c40.addingProduct(s, b0); c41 = c41.addingProduct(s, b1)
            s = SIMD8<Float>(repeating: ap[5])
            c50 = c50.addingProduct(s, b0); c51 = c51.addingProduct(s, b1)
            bp += 64
            ap += 6
        }
        let args = (rows, c, ldc, cols)
        storeRow(c00, c01, row: 0, args)
        storeRow(c10, c11, row: 1, args)
        storeRow(c20, c21, row: 2, args)
        storeRow(c30, c31, row: 3, args)
        storeRow(c40, c41, row: 4, args)
        storeRow(c50, c51, row: 5, args)
        if epilogue.gelu || epilogue.residual != nil {
            finishTile(rows: rows, c: c, ldc: ldc, cols: cols, epilogue: epilogue, columnOffset: columnOffset)
        }
    }

    /// Row `row` of the tile as stored in C (zeros past the valid rows and columns).
    @inline(__always)
    private static func storedRow(
        _ row: Int, rows: Int, c: UnsafeMutablePointer<Float>, ldc: Int, cols: Int
    ) -> (SIMD8<Float>, SIMD8<Float>) {
        guard row < rows else { return (SIMD8(), SIMD8()) }
        let src = c + row * ldc
        if cols == 16 {
            let d = UnsafeRawPointer(src)
            return (d.loadUnaligned(as: SIMD8<Float>.self), d.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self))
        }
        var y0 = SIMD8<Float>(), y1 = SIMD8<Float>()
        for j in 0..<cols {
            if j < 8 { y0[j] = src[j] } else { y1[j - 8] = src[j] }
        }
        return (y0, y1)
    }

    /// Stores the valid columns of a finished row of the tile, as accumulated.
    @inline(__always)
    private static func storeRow(
        _ y0: SIMD8<Float>, _ y1: SIMD8<Float>, row: Int,
        _ args: (rows: Int, c: UnsafeMutablePointer<Float>, ldc: Int, cols: Int)
    ) {
        guard row < args.rows else { return }
        let dst = args.c + row * args.ldc
        if args.cols == 16 {
            let d = UnsafeMutableRawPointer(dst)
            d.storeBytes(of: y0, as: SIMD8<Float>.self)
            d.storeBytes(of: y1, toByteOffset: 32, as: SIMD8<Float>.self)
        } else {
            for j in 0..<args.cols { dst[j] = j < 8 ? y0[j] : y1[j - 8] }
        }
    }

    /// The epilogue over the tile just stored (still in L1): GELU if asked, then plus the
    /// residual, on the valid rows and columns. One loop rather than code at each row's store,
    /// as in the 512-bit kernel (`AVX512MicroKernel.finish`): there the optimiser outlined it into
    /// a call per row. Lane-wise, so the bits are those of GELU on the accumulators themselves.
    @inline(never)
    private static func finishTile(
        rows: Int, c: UnsafeMutablePointer<Float>, ldc: Int, cols: Int, epilogue: Epilogue, columnOffset: Int
    ) {
        for row in 0..<rows {
            let dst = c + row * ldc
            let residualRow = epilogue.residual.map { $0 + row * epilogue.residualStride + columnOffset }
            if cols == 16 {
                let d = UnsafeMutableRawPointer(dst)
                for half in 0..<2 {
                    var y = d.loadUnaligned(fromByteOffset: 32 * half, as: SIMD8<Float>.self)
                    if epilogue.gelu { y = VectorMath.gelu(y) }
                    if let residualRow {
                        y += UnsafeRawPointer(residualRow).loadUnaligned(fromByteOffset: 32 * half, as: SIMD8<Float>.self)
                    }
                    d.storeBytes(of: y, toByteOffset: 32 * half, as: SIMD8<Float>.self)
                }
            } else {
                // Partial panel: GELU on zero-padded vectors, scalar residual, valid columns only.
                for half in 0..<2 where 8 * half < cols {
                    var y = SIMD8<Float>()
                    for lane in 0..<min(8, cols - 8 * half) { y[lane] = dst[8 * half + lane] }
                    if epilogue.gelu { y = VectorMath.gelu(y) }
                    for lane in 0..<min(8, cols - 8 * half) {
                        var value = y[lane]
                        if let residualRow { value += residualRow[8 * half + lane] }
                        dst[8 * half + lane] = value
                    }
                }
            }
        }
    }
}

extension GEMM {
    /// A 6-row tile (rows of A in place, stride `lda`) over `panels` (1 or 2) full panels on the
    /// 512-bit kernel, which starts from C or the bias and applies GELU and the residual itself.
    /// Only called at `VectorWidth.avx512`, i.e. after the CPU check.
    @inline(__always)
    static func wideTile(
        rows: Int, a: UnsafePointer<Float>, lda: Int, panel: UnsafePointer<Float>, panelStride: Int, panels: Int,
        k: Int, c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, bias: UnsafePointer<Float>?,
        epilogue: Epilogue, columnOffset: Int
    ) {
        let tileBias = bias.map { $0 + columnOffset }
        let residual = epilogue.residual.map { $0 + columnOffset }
        if panels == 2 {
            AVX512MicroKernel.accumulate6x32(
                rows: rows, a: a, lda: lda, panel0: panel, panel1: panel + panelStride, k: k, c: c, ldc: ldc,
                accumulate: accumulate, bias: tileBias, gelu: epilogue.gelu, residual: residual,
                residualStride: epilogue.residualStride)
        } else {
            AVX512MicroKernel.accumulate6x16(
                rows: rows, a: a, lda: lda, panel: panel, k: k, c: c, ldc: ldc,
                accumulate: accumulate, bias: tileBias, gelu: epilogue.gelu, residual: residual,
                residualStride: epilogue.residualStride)
        }
    }
}
