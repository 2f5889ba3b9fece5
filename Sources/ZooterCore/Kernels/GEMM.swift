/// Single-precision GEMM `C = epilogue(A · B)` with `B` prepacked (`PackedMatrix`).
///
/// Shapes: `A` is `[m][k]` row-major with row stride `lda` (any stride ≥ k, so a head's slice of a
/// fused QKV buffer can be used in place), `B` is `[k][n]` packed, `C` is `[m][n]` with row stride
/// `ldc`. Blocking (GotoBLAS style, sized for 32 KB L1 / 1 MB L2 per core):
/// K blocks of `depthBlock` → row blocks of `rowBlock` rows, whose A slice is packed into 6-row
/// tiles `[k][6]` (≈ 48 KB, stays in L2) → 16-wide B panels (a `depthBlock × 16` slice of 24 KB
/// stays in L1 while it sweeps the row block) → 6 × 16 micro tiles. The first K block starts
/// from the bias, later ones continue from C (one FMA chain per element); GELU and the residual
/// follow the last one.
///
/// At `VectorWidth.avx512` pairs of full panels (a single full panel at the end) go to the 512-bit
/// micro-kernel in `ZooterKernelsAVX512`, which reads A in place (no packing), starts from C or
/// the bias and applies GELU (the same `VectorMath.gelu`, at 16 lanes) and the residual itself.
/// Partial panels always take the 256-bit kernel. Both widths give the same bits.
enum GEMM {
    static let microRows = 6
    /// Rows of A swept per B panel slice (8 micro tiles).
    static let rowBlock = 48
    /// Depth of a K block: the B slice a micro-kernel sweeps down a row block must stay in L1
    /// (32–48 KB per core), i.e. 24 KB, one 16-column panel × 384 at 256 bits, a pair × 192 at
    /// 512 bits. (At 384 the pair's 48 KB spilled to L2 and the 512-bit encoder ran 25 % slower.)
    static func depthBlock(_ width: VectorWidth) -> Int { width == .avx512 ? 192 : 384 }

    /// Serial GEMM over the panels `panels` of `b` for all `m` rows.
    static func multiply(
        m: Int, a: UnsafePointer<Float>, lda: Int,
        b: UnsafePointer<Float>, depth k: Int, columns n: Int, panels: Range<Int>,
        c: UnsafeMutablePointer<Float>, ldc: Int, epilogue: Epilogue, vectorWidth: VectorWidth = .active
    ) {
        guard m > 0, !panels.isEmpty else { return }
        let width = PackedMatrix.panelWidth
        let panelStride = k * width
        let kc = min(k, depthBlock(vectorWidth))
        // The 512-bit kernel reads A in place; A is packed only for the 256-bit kernel, which at
        // 512 bits still takes a partial last panel.
        let packsA = vectorWidth == .avx2 || (n % width != 0 && panels.upperBound * width > n)
        // Only allocated (~74 KB) when used: attention calls this twice per (sequence, head).
        let packed = UnsafeMutablePointer<Float>.allocate(capacity: packsA ? rowBlock * kc : 1)
        defer { packed.deallocate() }
        var kStart = 0
        repeat {
            let kLength = min(kc, k - kStart)
            let isFirst = kStart == 0, isLast = kStart + kLength == k
            var rowStart = 0
            while rowStart < m {
                let rowEnd = min(m, rowStart + rowBlock)
                if packsA {
                    packTiles(a: a + rowStart * lda + kStart, lda: lda, rows: rowEnd - rowStart, k: kLength, into: packed)
                }
                var panel = panels.lowerBound
                while panel < panels.upperBound {
                    let column = panel * width
                    let cols = min(width, n - column)
                    let panelSlice = b + panel * panelStride + kStart * width
                    // Full panels at 512 bits: two at a time where the next is full too.
                    let widePanels = cols == 16 && vectorWidth == .avx512
                        ? (panel + 1 < panels.upperBound && n - column >= 32 ? 2 : 1) : 0
                    var row = rowStart
                    var tile = packed
                    while row < rowEnd {
                        let rows = min(microRows, rowEnd - row)
                        let tileEpilogue = isLast ? epilogue.shifted(rows: row) : .none
                        let bias = isFirst ? epilogue.bias : nil
                        if widePanels > 0 {
                            wideTile(
                                rows: rows, a: a + row * lda + kStart, lda: lda,
                                panel: panelSlice, panelStride: panelStride, panels: widePanels, k: kLength,
                                c: c + row * ldc + column, ldc: ldc, accumulate: !isFirst, bias: bias,
                                epilogue: tileEpilogue, columnOffset: column)
                        } else {
                            microTile(
                                rows: rows, a: tile, panel: panelSlice, k: kLength,
                                c: c + row * ldc + column, ldc: ldc, cols: cols, accumulate: !isFirst, bias: bias,
                                epilogue: tileEpilogue, columnOffset: column)
                        }
                        row += rows
                        tile += microRows * kLength
                    }
                    panel += max(1, widePanels)
                }
                rowStart = rowEnd
            }
            kStart += kLength
        } while kStart < k
    }

    /// Packs `rows` rows × `k` columns of A into consecutive 6-row tiles laid out `[k][6]`;
    /// a last partial tile repeats its last row (computed, never stored).
    @inline(__always)
    static func packTiles(a: UnsafePointer<Float>, lda: Int, rows: Int, k: Int, into packed: UnsafeMutablePointer<Float>) {
        var tileStart = 0
        var out = packed
        while tileStart < rows {
            let valid = min(microRows, rows - tileStart)
            let r0 = a + tileStart * lda
            let r1 = a + (tileStart + min(1, valid - 1)) * lda
            let r2 = a + (tileStart + min(2, valid - 1)) * lda
            let r3 = a + (tileStart + min(3, valid - 1)) * lda
            let r4 = a + (tileStart + min(4, valid - 1)) * lda
            let r5 = a + (tileStart + min(5, valid - 1)) * lda
            for p in 0..<k {
                out[0] = r0[p]; out[1] = r1[p]; out[2] = r2[p]
                out[3] = r3[p]; out[4] = r4[p]; out[5] = r5[p]
                out += 6
            }
            tileStart += microRows
        }
    }
}

extension GEMM.Epilogue {
    /// The same epilogue with the residual pointer moved down `rows` rows.
    @inline(__always)
    func shifted(rows: Int) -> Self {
        var copy = self
        copy.residual = residual.map { $0 + rows * residualStride }
        return copy
    }
}
