import Testing
@testable import ZooterCore

/// The run-time choice of the GEMM width and what it must not change.
@Suite("Vector width")
struct VectorWidthTests {
    @Test func theWidestTheCPUHasUnlessForcedNarrow() {
        let avx512CPU: Set<String> = ["fma", "avx2", "avx512f", "avx512vl"]
        let avx2CPU: Set<String> = ["fma", "avx2"]
        #expect(VectorWidth.choose(environment: nil, cpuFlags: avx512CPU) == .avx512)
        #expect(VectorWidth.choose(environment: nil, cpuFlags: avx2CPU) == .avx2)
        #expect(VectorWidth.choose(environment: "avx2", cpuFlags: avx512CPU) == .avx2)
        #expect(VectorWidth.choose(environment: "AVX2", cpuFlags: avx512CPU) == .avx2)
        // Asking for more than the CPU has is not honoured: that would be SIGILL.
        #expect(VectorWidth.choose(environment: "avx512", cpuFlags: avx2CPU) == .avx2)
        #expect(VectorWidth.choose(environment: "", cpuFlags: []) == .avx2)
        #expect(VectorWidth.runnable.contains(VectorWidth.active))
    }

    /// Both kernels accumulate every element of C over k in the same order with FMAs, and share
    /// the epilogue, so the widths agree bit for bit: an encoder's output does not depend on the
    /// host it ran on. Skipped (and reported so) on a host without AVX-512.
    @Test(.enabled(if: VectorWidth.hostSupportsAVX512, "this host has no AVX-512: only the 256-bit kernel can run"))
    func bothWidthsGiveIdenticalResults() {
        for (m, k, n) in [(50, 384, 1152), (61, 800, 40), (13, 32, 48), (129, 1536, 384)] {
            let a = TestSupport.randomFloats(m * k, seed: 11)
            let w = TestSupport.randomFloats(n * k, seed: 12)
            let packed = PackedMatrix(linearWeight: w, outFeatures: n, inFeatures: k, bias: TestSupport.randomFloats(n, seed: 13))
            let residual = TestSupport.randomFloats(m * n, seed: 14)
            var narrow = [Float](repeating: .nan, count: m * n), wide = narrow
            Kernels.linear(a, rows: m, weight: packed, gelu: true, residual: residual, into: &narrow, threads: 2, vectorWidth: .avx2)
            Kernels.linear(a, rows: m, weight: packed, gelu: true, residual: residual, into: &wide, threads: 2, vectorWidth: .avx512)
            #expect(narrow == wide, "m=\(m) k=\(k) n=\(n)")
        }
    }
}
