/// Safe entry points to the SIMD kernels: arrays in, arrays out. Everything that touches
/// `Unsafe*Pointer` lives in this folder; the model code in `Encoder/` only calls these.
/// All matrices are row-major `[rows][columns]` `Float` arrays.
enum Kernels {
    /// `output[m][n] = A[m][k] · B + bias`, then GELU if `gelu`, then `+ residual[m][n]`.
    /// Column panels are split across `threads` workers; `vectorWidth` is for tests of each path.
    static func linear(
        _ input: [Float], rows m: Int, weight: PackedMatrix, gelu: Bool = false,
        residual: [Float]? = nil, into output: inout [Float], threads: Int,
        vectorWidth: VectorWidth = .active
    ) {
        let k = weight.depth, n = weight.columns
        precondition(input.count >= m * k && output.count >= m * n, "linear: buffer too small")
        precondition(residual.map { $0.count >= m * n } ?? true, "linear: residual too small")
        guard m > 0, n > 0 else { return }
        let zeros: [Float] = [0]
        input.withUnsafeBufferPointer { a in
        weight.storage.withUnsafeBufferPointer { b in
        (weight.bias ?? zeros).withUnsafeBufferPointer { bias in
        (residual ?? zeros).withUnsafeBufferPointer { res in
        output.withUnsafeMutableBufferPointer { c in
            let epilogue = GEMM.Epilogue(
                bias: weight.bias == nil ? nil : bias.baseAddress, gelu: gelu,
                residual: residual == nil ? nil : res.baseAddress, residualStride: n)
            // Tasks are (row chunk × panel group) blocks of C, claimed dynamically.
            let grid = TaskGrid(rows: m, panels: weight.panelCount, threads: threads, vectorWidth: vectorWidth)
            Parallel.forEachTask(grid.count, threads: threads) { task in
                let (rows, panels) = grid.block(task)
                GEMM.multiply(
                    m: rows.count, a: a.baseAddress! + rows.lowerBound * k, lda: k,
                    b: b.baseAddress!, depth: k, columns: n, panels: panels,
                    c: c.baseAddress! + rows.lowerBound * n, ldc: n,
                    epilogue: epilogue.shifted(rows: rows.lowerBound), vectorWidth: vectorWidth)
            }
        }
        }
        }
        }
        }
    }

    /// LayerNorm of every row of `x` (`[rows][columns]`) in place.
    static func layerNorm(
        _ x: inout [Float], rows: Int, columns: Int, gamma: [Float], beta: [Float],
        epsilon: Float, threads: Int
    ) {
        precondition(x.count >= rows * columns && gamma.count == columns && beta.count == columns,
                     "layerNorm: shape mismatch")
        guard rows > 0, columns > 0 else { return }
        gamma.withUnsafeBufferPointer { g in
        beta.withUnsafeBufferPointer { b in
        x.withUnsafeMutableBufferPointer { xs in
            // Row work is light; only split when there are enough rows to pay for a dispatch.
            let chunk = 32
            Parallel.forEachTask((rows + chunk - 1) / chunk, threads: rows >= 64 ? threads : 1) { task in
                for row in (task * chunk)..<min(rows, (task + 1) * chunk) {
                    RowKernels.layerNorm(
                        xs.baseAddress! + row * columns, count: columns,
                        gamma: g.baseAddress!, beta: b.baseAddress!, epsilon: epsilon)
                }
            }
        }
        }
        }
    }

    /// Softmax of `row[0..<validKeys] · scale` in place; entries past `validKeys` (masked keys)
    /// become exactly 0.
    static func maskedSoftmax(_ row: inout [Float], validKeys: Int, scale: Float, vectorWidth: VectorWidth = .active) {
        precondition(validKeys >= 1 && validKeys <= row.count, "maskedSoftmax: need 1...count valid keys")
        let count = row.count
        row.withUnsafeMutableBufferPointer { buffer in
            RowKernels.maskedSoftmax(
                buffer.baseAddress!, count: count, validKeys: validKeys, scale: scale, vectorWidth: vectorWidth)
        }
    }

    /// Self-attention over packed sequences (see `AttentionKernel`): `qkv` `[tokens][3·H]` →
    /// `context` `[tokens][H]`, tasks (sequence, head) split across `threads` workers.
    static func attention(
        qkv: [Float], sequences: [Range<Int>], heads: Int, headDim: Int,
        into context: inout [Float], threads: Int
    ) {
        let shape = AttentionKernel.Shape(heads: heads, headDim: headDim)
        let tokens = sequences.last?.upperBound ?? 0
        precondition(qkv.count >= tokens * 3 * shape.hidden && context.count >= tokens * shape.hidden,
                     "attention: buffer too small")
        guard tokens > 0 else { return }
        qkv.withUnsafeBufferPointer { q in
        context.withUnsafeMutableBufferPointer { out in
            // Longest sequences first so the tail of the schedule is short tasks; scratch is
            // allocated once per worker.
            let order = sequences.indices.sorted { sequences[$0].count > sequences[$1].count }
            Parallel.forEachWorker(taskCount: sequences.count * heads, threads: threads) { claim in
                AttentionKernel.run(
                    qkv: q.baseAddress!, sequences: sequences, shape: shape,
                    next: { claim().map { order[$0 / heads] * heads + $0 % heads } },
                    context: out.baseAddress!)
            }
        }
        }
    }

    /// Mean over each sequence's rows of `hidden` (`[tokens][columns]`), then L2 normalisation
    /// (`x / max(‖x‖, 1e-12)`, as `torch.nn.functional.normalize`). Writes one row per sequence
    /// into `output` starting at row `firstRow`.
    static func meanPoolNormalize(
        _ hidden: [Float], columns: Int, sequences: [Range<Int>],
        into output: inout [Float], firstRow: Int
    ) {
        for (index, range) in sequences.enumerated() {
            let base = (firstRow + index) * columns
            var pooled = [Float](repeating: 0, count: columns)
            for token in range {
                for c in 0..<columns { pooled[c] += hidden[token * columns + c] }
            }
            let inverseCount = 1 / Float(max(range.count, 1))
            var norm: Double = 0
            for c in 0..<columns {
                pooled[c] *= inverseCount
                norm += Double(pooled[c]) * Double(pooled[c])
            }
            let inverseNorm = Float(1 / max(norm.squareRoot(), 1e-12))
            for c in 0..<columns { output[base + c] = pooled[c] * inverseNorm }
        }
    }
}

/// Splits a GEMM's output into blocks: row chunks × groups of 16-column panels. Single-thread
/// calls get one block. Otherwise about 4 blocks per thread, so dynamic claiming can balance a busy
/// machine. Every row chunk streams all of B (the weights, 0.6–2.4 MB per matrix), every column
/// group its rows of A; which split is cheaper depends on the kernel:
/// - at 256 bits each block packs its A rows first, so a second column group packs the same rows
///   again: rows are split first, at least 8 row tiles (48 rows) per chunk;
/// - at 512 bits A is read in place, and columns are split first, up to 1,024 rows per chunk.
///   Measured on a 2-core AVX-512 host (1 MB L2 per core), 2 threads, medians of 5 alternating
///   runs against splitting rows: 16 × 32 tokens 5 % faster (9 % on the best runs), 256 × 1 3 %,
///   64 × 32 no slower; at 256 bits the same split was 10–20 % slower (`docs/benchmarks.md`).
/// Column groups hold whole pairs of panels, which the 512-bit kernel takes together; row chunks
/// make up the count where there are too few pairs for the threads.
struct TaskGrid {
    let rowChunks: Int
    let panelGroups: Int
    let rows: Int
    let panels: Int

    init(rows: Int, panels: Int, threads: Int, vectorWidth: VectorWidth) {
        self.rows = rows
        self.panels = panels
        guard threads > 1 else {
            rowChunks = 1
            panelGroups = 1
            return
        }
        let target = 4 * threads
        let rowTiles = (rows + GEMM.microRows - 1) / GEMM.microRows
        let pairs = (panels + 1) / 2
        let wanted = vectorWidth == .avx512 ? max(rows / 1024, (target + pairs - 1) / pairs) : target
        rowChunks = max(1, min(target, wanted, rowTiles / 8))
        panelGroups = max(1, min(pairs, (target + rowChunks - 1) / rowChunks))
    }

    var count: Int { rowChunks * panelGroups }

    /// Row range and panel range of block `task`.
    func block(_ task: Int) -> (rows: Range<Int>, panels: Range<Int>) {
        let rowTiles = (rows + GEMM.microRows - 1) / GEMM.microRows
        let tiles = Parallel.chunkRange(task / panelGroups, of: rowChunks, count: rowTiles)
        let rowRange = (tiles.lowerBound * GEMM.microRows)..<min(rows, tiles.upperBound * GEMM.microRows)
        let pairs = Parallel.chunkRange(task % panelGroups, of: panelGroups, count: (panels + 1) / 2)
        return (rowRange, (2 * pairs.lowerBound)..<min(panels, 2 * pairs.upperBound))
    }
}
