import Testing
@testable import ZooterCore

/// Packed-sequence attention vs a textbook padded-batch reference with an additive key mask.
/// Tolerance 2e-6 absolute: outputs are convex combinations of V entries in [-1, 1).
@Suite("Attention kernel")
struct AttentionKernelTests {
    @Test(arguments: [(heads: 2, headDim: 8), (heads: 3, headDim: 32), (heads: 1, headDim: 5)])
    func packedAttentionMatchesMaskedPaddedReference(heads: Int, headDim: Int) {
        let lengths = [1, 7, 33, 18]
        let t = lengths.max()!
        let hidden = heads * headDim
        // Padded batch [batch][t][3H] with random values everywhere (padding included).
        let padded = TestSupport.randomFloats(lengths.count * t * 3 * hidden, seed: 11)
        let mask = lengths.map { length in (0..<t).map { $0 < length } }
        let expected = ReferenceKernels.attention(
            qkv: padded, batch: lengths.count, sequenceLength: t, heads: heads, headDim: headDim, keyMask: mask)
        // Packed: only the real tokens of each sequence, back to back.
        var packed: [Float] = []
        for (b, length) in lengths.enumerated() {
            packed += padded[(b * t * 3 * hidden)..<((b * t + length) * 3 * hidden)]
        }
        let batch = PackedBatch(lengths.map { [Int32](repeating: 0, count: $0) })
        for threads in [1, 2] {
            var context = [Float](repeating: .nan, count: batch.tokenCount * hidden)
            Kernels.attention(qkv: packed, sequences: batch.ranges, heads: heads, headDim: headDim,
                              into: &context, threads: threads)
            for (b, range) in batch.ranges.enumerated() {
                for (i, token) in range.enumerated() {
                    let ours = context[(token * hidden)..<((token + 1) * hidden)]
                    let reference = expected[((b * t + i) * hidden)..<((b * t + i + 1) * hidden)]
                    let diff = TestSupport.maxAbsDifference(ours, reference)
                    #expect(diff <= 2e-6, "sequence \(b) token \(i) threads \(threads): \(diff)")
                }
            }
        }
    }
}
