/// Multi-head self-attention for training: a forward pass that keeps every (sequence, head)'s
/// softmax probabilities and the backward pass that turns ∂loss/∂context into ∂loss/∂(Q, K, V).
///
/// Layout as in `AttentionKernel`: `qkv` and `dQKV` are `[tokens][3·H]` (per token Q heads, K
/// heads, V heads), sequences are disjoint token ranges, `context` is `[tokens][H]`. The
/// probabilities of (sequence s, head h) are an `[L][L]` block at `ProbabilityLayout.offsets`.
/// Every (sequence, head) pair is an independent task writing only its own columns of its own
/// rows, so tasks run in parallel and the result does not depend on the thread count.
enum AttentionTrainingKernel {
    /// Where each (sequence, head)'s probability block starts in the shared buffer.
    struct ProbabilityLayout {
        let offsets: [Int]
        let count: Int

        init(sequences: [Range<Int>], heads: Int) {
            var offsets: [Int] = []
            offsets.reserveCapacity(sequences.count * heads)
            var total = 0
            for range in sequences {
                for _ in 0..<heads {
                    offsets.append(total)
                    total += range.count * range.count
                }
            }
            self.offsets = offsets
            self.count = total
        }
    }

    /// context = softmax(Q Kᵀ / √d) V per (sequence, head); fills `probabilities`.
    static func forward(
        qkv: [Float], sequences: [Range<Int>], heads: Int, headDim d: Int,
        probabilities: inout [Float], context: inout [Float], threads: Int
    ) {
        let hidden = heads * d, stride = 3 * hidden
        let layout = ProbabilityLayout(sequences: sequences, heads: heads)
        let tokens = sequences.last?.upperBound ?? 0
        precondition(qkv.count >= tokens * stride && context.count >= tokens * hidden && probabilities.count >= layout.count,
                     "attention forward: buffer too small")
        let scale = 1 / Float(d).squareRoot()
        qkv.withUnsafeBufferPointer { qkvBuffer in
        probabilities.withUnsafeMutableBufferPointer { pBuffer in
        context.withUnsafeMutableBufferPointer { cBuffer in
            let base = qkvBuffer.baseAddress!, pBase = pBuffer.baseAddress!, cBase = cBuffer.baseAddress!
            Parallel.forEachTask(sequences.count * heads, threads: threads) { task in
                let range = sequences[task / heads], head = task % heads, length = range.count
                let p = pBase + layout.offsets[task]
                for i in 0..<length {
                    let q = base + (range.lowerBound + i) * stride + head * d
                    let row = p + i * length
                    for j in 0..<length {
                        row[j] = HeadKernels.dot(q, base + (range.lowerBound + j) * stride + hidden + head * d, d)
                    }
                    RowKernels.maskedSoftmax(row, count: length, validKeys: length, scale: scale)
                    let out = cBase + (range.lowerBound + i) * hidden + head * d
                    for x in 0..<d { out[x] = 0 }
                    for j in 0..<length {
                        HeadKernels.axpy(row[j], base + (range.lowerBound + j) * stride + 2 * hidden + head * d, out, d)
                    }
                }
            }
        }
        }
        }
    }

    /// With dP = dC Vᵀ and dS = P ⊙ (dP − rowsum(dP ⊙ P)) / √d: dQ = dS K, dK = dSᵀ Q, dV = Pᵀ dC.
    /// Overwrites the Q, K and V columns of `dQKV`.
    static func backward(
        dContext: [Float], qkv: [Float], probabilities: [Float], sequences: [Range<Int>], heads: Int,
        headDim d: Int, dQKV: inout [Float], threads: Int
    ) {
        let hidden = heads * d, stride = 3 * hidden
        let layout = ProbabilityLayout(sequences: sequences, heads: heads)
        let tokens = sequences.last?.upperBound ?? 0
        precondition(qkv.count >= tokens * stride && dQKV.count >= tokens * stride && dContext.count >= tokens * hidden
                     && probabilities.count >= layout.count, "attention backward: buffer too small")
        let scale = 1 / Float(d).squareRoot()
        let longest = sequences.map(\.count).max() ?? 0
        dContext.withUnsafeBufferPointer { dcBuffer in
        qkv.withUnsafeBufferPointer { qkvBuffer in
        probabilities.withUnsafeBufferPointer { pBuffer in
        dQKV.withUnsafeMutableBufferPointer { gBuffer in
            let dcBase = dcBuffer.baseAddress!, base = qkvBuffer.baseAddress!, pBase = pBuffer.baseAddress!
            let gBase = gBuffer.baseAddress!
            Parallel.forEachWorker(taskCount: sequences.count * heads, threads: threads) { claim in
                var scratch = [Float](repeating: 0, count: max(1, longest))
                scratch.withUnsafeMutableBufferPointer { dPBuffer in
                    let dP = dPBuffer.baseAddress!
                    while let task = claim() {
                        let range = sequences[task / heads], head = task % heads, length = range.count
                        let p = pBase + layout.offsets[task]
                        func row(_ t: Int, _ block: Int) -> Int { (range.lowerBound + t) * stride + block * hidden + head * d }
                        for t in 0..<length { for block in 0..<3 { for x in 0..<d { gBase[row(t, block) + x] = 0 } } }
                        for i in 0..<length {
                            let dc = dcBase + (range.lowerBound + i) * hidden + head * d
                            let pRow = p + i * length
                            var weighted: Float = 0
                            for j in 0..<length {
                                dP[j] = HeadKernels.dot(dc, base + row(j, 2), d)
                                weighted += dP[j] * pRow[j]
                                HeadKernels.axpy(pRow[j], dc, gBase + row(j, 2), d)
                            }
                            let q = base + row(i, 0), dq = gBase + row(i, 0)
                            for j in 0..<length {
                                let dS = pRow[j] * (dP[j] - weighted) * scale
                                HeadKernels.axpy(dS, base + row(j, 1), dq, d)
                                HeadKernels.axpy(dS, q, gBase + row(j, 1), d)
                            }
                        }
                    }
                }
            }
        }
        }
        }
        }
    }
}
