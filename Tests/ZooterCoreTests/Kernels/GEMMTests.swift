import Testing
@testable import ZooterCore

/// SIMD GEMM vs the scalar Double reference on odd shapes (remainder rows, partial panels,
/// k = 1), at every vector width this host can run (`VectorWidth.runnable`: both on an AVX-512
/// host; on one without, the 512-bit kernel cannot run and is not tested). Tolerance: |Δ| ≤ 1e-5·(1 + √k) for inputs in [-1, 1) — float32 accumulation of k
/// products of magnitude ≤ 1 in a different order.
@Suite("GEMM kernel")
struct GEMMTests {
    static let shapes: [(m: Int, k: Int, n: Int)] = [
        (1, 1, 1), (7, 13, 5), (33, 17, 65), (129, 384, 1), (6, 16, 16), (50, 384, 1152), (5, 1536, 40),
        // 512-bit pairs of panels plus a single full one (48), and pairs plus a partial one (40).
        (13, 32, 48), (61, 800, 40), (3, 5, 32),
    ]

    @Test(arguments: 0..<shapes.count, VectorWidth.runnable)
    func linearMatchesReference(shapeIndex: Int, vectorWidth: VectorWidth) {
        let (m, k, n) = Self.shapes[shapeIndex]
        let a = TestSupport.randomFloats(m * k, seed: 1)
        let w = TestSupport.randomFloats(n * k, seed: 2)  // torch layout [out][in]
        let bias = TestSupport.randomFloats(n, seed: 3)
        let residual = TestSupport.randomFloats(m * n, seed: 4)
        let packed = PackedMatrix(linearWeight: w, outFeatures: n, inFeatures: k, bias: bias)
        var b = [Float](repeating: 0, count: k * n)  // Wᵀ, [k][n]
        for o in 0..<n { for i in 0..<k { b[i * n + o] = w[o * k + i] } }
        let tolerance = 1e-5 * (1 + Float(k).squareRoot())
        for (gelu, useResidual) in [(false, false), (true, false), (false, true)] {
            for threads in [1, 2, 3] {
                var out = [Float](repeating: .nan, count: m * n)
                Kernels.linear(a, rows: m, weight: packed, gelu: gelu, residual: useResidual ? residual : nil,
                               into: &out, threads: threads, vectorWidth: vectorWidth)
                let expected = ReferenceKernels.linear(a, rows: m, depth: k, b: b, columns: n, bias: bias,
                                                       gelu: gelu, residual: useResidual ? residual : nil)
                let diff = TestSupport.maxAbsDifference(out, expected)
                #expect(diff <= tolerance, "\(vectorWidth) m=\(m) k=\(k) n=\(n) gelu=\(gelu) residual=\(useResidual) threads=\(threads): \(diff)")
            }
        }
    }

    @Test func rowMajorPackingMatchesLinearPacking() {
        let (k, n) = (19, 37)
        let b = TestSupport.randomFloats(k * n, seed: 5)
        var w = [Float](repeating: 0, count: k * n)
        for i in 0..<k { for o in 0..<n { w[o * k + i] = b[i * n + o] } }
        let fromRows = PackedMatrix(rowMajor: b, depth: k, columns: n)
        let fromLinear = PackedMatrix(linearWeight: w, outFeatures: n, inFeatures: k, bias: nil)
        #expect(fromRows.storage == fromLinear.storage)
        #expect(fromRows.panelCount == 3)
    }
}
