/// Multi-head self-attention over packed (unpadded) sequences.
///
/// Layout: `qkv` is `[tokens][3·H]` row-major (per token: Q heads, then K heads, then V heads;
/// head `h` occupies columns `h·d ..< (h+1)·d` of its block); sequences are disjoint token ranges
/// of it. Output `context` is `[tokens][H]`. Each (sequence, head) pair is an independent task:
/// `S = Q·Kᵀ` and `context = softmax(S/√d)·V` both run on the packed GEMM micro-kernel, with `Kᵀ`
/// and `V` packed into per-worker scratch panels. A sequence's keys are exactly its own tokens,
/// so padding never enters the softmax (the key mask is implicit in the ranges).
enum AttentionKernel {
    struct Shape {
        var heads: Int
        var headDim: Int
        var hidden: Int { heads * headDim }
    }

    /// Computes attention for the tasks `next()` hands out (task = sequenceIndex · heads + head)
    /// until it returns nil, with one set of scratch buffers sized for the longest sequence.
    static func run(
        qkv: UnsafePointer<Float>, sequences: [Range<Int>], shape: Shape, next: () -> Int?,
        context: UnsafeMutablePointer<Float>
    ) {
        let d = shape.headDim, hidden = shape.hidden, qkvStride = 3 * hidden
        let width = PackedMatrix.panelWidth
        let longest = sequences.map(\.count).max() ?? 0
        guard longest > 0 else { return }
        let paddedKeys = (longest + width - 1) / width * width
        let valuePanels = (d + width - 1) / width
        var scores = [Float](repeating: 0, count: longest * paddedKeys)
        var packedK = [Float](repeating: 0, count: paddedKeys * d)
        var packedV = [Float](repeating: 0, count: valuePanels * longest * width)
        let scale = 1 / Float(d).squareRoot()
        scores.withUnsafeMutableBufferPointer { scoreBuffer in
        packedK.withUnsafeMutableBufferPointer { kBuffer in
        packedV.withUnsafeMutableBufferPointer { vBuffer in
            guard let s = scoreBuffer.baseAddress, let pk = kBuffer.baseAddress,
                  let pv = vBuffer.baseAddress else { return }
            while let task = next() {
                let range = sequences[task / shape.heads]
                let head = task % shape.heads
                let t = range.count
                guard t > 0 else { continue }
                let rowPitch = (t + width - 1) / width * width
                let q = qkv + range.lowerBound * qkvStride + head * d
                let k = q + hidden
                let v = q + 2 * hidden
                // Kᵀ as B (depth d, columns t): panel j/16, row p, lane j%16 = K[j][p].
                for j in 0..<rowPitch {
                    let dst = pk + (j / width) * d * width + j % width
                    if j < t {
                        let src = k + j * qkvStride
                        for p in 0..<d { dst[p * width] = src[p] }
                    } else {
                        for p in 0..<d { dst[p * width] = 0 }
                    }
                }
                packValues(v, stride: qkvStride, tokens: t, headDim: d, into: pv)
                GEMM.multiply(
                    m: t, a: q, lda: qkvStride, b: pk, depth: d, columns: t,
                    panels: 0..<(rowPitch / width), c: s, ldc: rowPitch, epilogue: .init())
                for i in 0..<t {
                    RowKernels.maskedSoftmax(s + i * rowPitch, count: rowPitch, validKeys: t, scale: scale)
                }
                GEMM.multiply(
                    m: t, a: s, lda: rowPitch, b: pv, depth: t, columns: d,
                    panels: 0..<valuePanels, c: context + range.lowerBound * hidden + head * d,
                    ldc: hidden, epilogue: .init())
            }
        }
        }
        }
    }

    /// V (`tokens` rows of `headDim` values, row stride `stride`) as B panels (depth `tokens`,
    /// columns `headDim`): panel c/16, row p, lane c%16 = V[p][c], zero past `headDim`. A full
    /// panel row is a plain 16-float copy (two vector moves); this ran element by element with
    /// index arithmetic before, and was most of the attention's own time.
    @inline(__always)
    static func packValues(
        _ v: UnsafePointer<Float>, stride: Int, tokens t: Int, headDim d: Int, into pv: UnsafeMutablePointer<Float>
    ) {
        let width = PackedMatrix.panelWidth
        let fullPanels = d / width
        for p in 0..<t {
            let src = UnsafeRawPointer(v + p * stride)
            for panel in 0..<fullPanels {
                let dst = UnsafeMutableRawPointer(pv + panel * t * width + p * width)
                let offset = panel * width * MemoryLayout<Float>.stride
                dst.storeBytes(of: src.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                dst.storeBytes(of: src.loadUnaligned(fromByteOffset: offset + 32, as: SIMD8<Float>.self),
                               toByteOffset: 32, as: SIMD8<Float>.self)
            }
            if fullPanels * width < d {
                let dst = pv + fullPanels * t * width + p * width
                for lane in 0..<width {
                    let c = fullPanels * width + lane
                    dst[lane] = c < d ? v[p * stride + c] : 0
                }
            }
        }
    }
}
