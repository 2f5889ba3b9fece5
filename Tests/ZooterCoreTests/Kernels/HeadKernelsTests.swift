import Testing
@testable import ZooterCore

/// SIMD kernels against scalar references (tolerance: Float accumulation-order differences,
/// ≤ 1e-4 absolute on sums of ~400 products of unit-scale values).
@Suite struct HeadKernelsTests {
    @Test func crossDotMatchesScalarReference() {
        let a = TestSupport.randomEmbeddings(rows: 7, columns: 389, seed: 1)  // odd width: tail paths
        let b = TestSupport.randomEmbeddings(rows: 5, columns: 389, seed: 2)
        let rowsA = [6, 0, 3, 3, 1, 2, 5], rowsB = [4, 1, 0, 2]
        let out = HeadKernels.crossDot(a, rows: rowsA, b, rows: rowsB)
        for (i, ra) in rowsA.enumerated() {
            for (j, rb) in rowsB.enumerated() {
                var s = 0.0
                for c in 0..<389 { s += Double(a[ra, c]) * Double(b[rb, c]) }
                #expect(isClose(Double(out[i, j]), s, absolute: 1e-5))
            }
        }
    }

    @Test func dotHandlesEveryTailLength() {
        for n in [0, 1, 15, 16, 17, 31, 32, 33, 384] {
            let x = (0..<n).map { Float($0 % 7) - 3 }, y = (0..<n).map { Float($0 % 5) * 0.5 }
            let expected = zip(x, y).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            #expect(isClose(Double(HeadKernels.dot(x, y)), expected, absolute: 1e-4), "n=\(n)")
        }
    }

    @Test func adamWStepMatchesScalarFormula() {
        let n = 19
        var p = (0..<n).map { Float($0) * 0.1 - 0.5 }
        let g = (0..<n).map { Float($0 % 4) - 1.5 }
        var m = [Float](repeating: 0.2, count: n), v = [Float](repeating: 0.3, count: n)
        let mask = (0..<n).map { $0 % 2 == 0 ? Float(1) : 0 }
        let p0 = p, m0 = m, v0 = v
        HeadKernels.adamWStep(parameters: &p, gradient: g, m: &m, v: &v, decayMask: mask, learningRate: 0.01,
                              beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.1,
                              correction1: 1 - 0.9 * 0.9, correction2: 1 - 0.999 * 0.999)
        for i in 0..<n {
            let mi = 0.9 * Double(m0[i]) + 0.1 * Double(g[i])
            let vi = 0.999 * Double(v0[i]) + 0.001 * Double(g[i]) * Double(g[i])
            let step = (mi / (1 - 0.81)) / ((vi / (1 - 0.998001)).squareRoot() + 1e-8) + 0.1 * Double(mask[i]) * Double(p0[i])
            #expect(isClose(Double(p[i]), Double(p0[i]) - 0.01 * step, absolute: 1e-6))
            #expect(isClose(Double(m[i]), mi, absolute: 1e-6))
            #expect(isClose(Double(v[i]), vi, absolute: 1e-6))
        }
    }
}
