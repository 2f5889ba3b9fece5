import Testing
@testable import ZooterCore

@Suite("Row kernels")
struct RowKernelsTests {
    /// LayerNorm vs Double reference; tolerance 2e-5 absolute for outputs of magnitude ≲ 4.
    @Test(arguments: [1, 7, 8, 384, 385])
    func layerNormMatchesReference(columns: Int) {
        let rows = 70
        var x = TestSupport.randomFloats(rows * columns, seed: 21).map { $0 * 5 + 2 }
        let input = x
        let gamma = TestSupport.randomFloats(columns, seed: 22), beta = TestSupport.randomFloats(columns, seed: 23)
        Kernels.layerNorm(&x, rows: rows, columns: columns, gamma: gamma, beta: beta, epsilon: 1e-12, threads: 2)
        for r in 0..<rows {
            let expected = ReferenceKernels.layerNorm(Array(input[(r * columns)..<((r + 1) * columns)]),
                                                      gamma: gamma, beta: beta, epsilon: 1e-12)
            let diff = TestSupport.maxAbsDifference(x[(r * columns)..<((r + 1) * columns)], expected)
            #expect(diff <= 2e-5, "row \(r): \(diff)")
        }
    }

    /// Masked softmax vs reference at every width the host runs: probabilities within 1e-6,
    /// masked entries exactly 0, and the same bits at both widths.
    @Test(arguments: [1, 5, 8, 9, 16, 24, 31, 33, 256])
    func maskedSoftmaxMatchesReference(valid: Int) {
        let count = valid + 7
        let row = TestSupport.randomFloats(count, seed: UInt64(valid)).map { $0 * 30 }
        let expected = ReferenceKernels.softmax(row, scale: 0.25, keyMask: (0..<count).map { $0 < valid })
        var results: [[Float]] = []
        for width in VectorWidth.runnable {
            var ours = row
            Kernels.maskedSoftmax(&ours, validKeys: valid, scale: 0.25, vectorWidth: width)
            #expect(TestSupport.maxAbsDifference(ours, expected) <= 1e-6, "\(width)")
            #expect(ours[valid...].allSatisfy { $0 == 0 }, "\(width)")
            results.append(ours)
        }
        #expect(results.allSatisfy { $0 == results[0] }, "the widths differ")
    }
}
