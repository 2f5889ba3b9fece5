import Foundation
import Testing
@testable import ZooterCore

/// Softmax and KL against closed forms (tolerance 1e-6: Float rounding of O(1) values).
@Suite struct LossKernelsTests {
    @Test func softmaxOfEqualLogitsIsUniform() {
        let p = LossKernels.softmaxRows(Matrix(rows: 1, columns: 4, values: [3, 3, 3, 3]))
        for v in p.values { #expect(isClose(Double(v), 0.25, absolute: 1e-6)) }
    }

    @Test func softmaxOfTwoLogitsIsLogistic() {
        // softmax([a, 0])[0] = 1 / (1 + e^{−a})
        for a in [-5.0, -0.3, 0, 1.7, 30] {
            let p = LossKernels.softmaxRows(Matrix(rows: 1, columns: 2, values: [Float(a), 0]))
            #expect(isClose(Double(p[0, 0]), 1 / (1 + exp(-a)), absolute: 1e-6))
            #expect(isClose(Double(p[0, 0] + p[0, 1]), 1, absolute: 1e-6))
        }
    }

    @Test func softmaxIsShiftInvariantAndStableForHugeLogits() {
        let p = LossKernels.softmaxRows(Matrix(rows: 1, columns: 3, values: [1000, 999, 998]))
        let e = [1.0, exp(-1.0), exp(-2.0)], s = e.reduce(0, +)
        // Float spacing near 1000 is 6.1e-5, so z − logsumexp(z) carries ~1e-4 relative error.
        for i in 0..<3 { #expect(isClose(Double(p[0, i]), e[i] / s, absolute: 1e-4)) }
    }

    @Test func klMatchesClosedForm() {
        // KL(p‖q) = Σ p log(p/q); q = softmax(z).
        let p: [Float] = [0.5, 0.3, 0.2, 0], z: [Float] = [0.1, -1, 2, 0.5]
        let ez = z.map { exp(Double($0)) }, s = ez.reduce(0, +)
        let q = ez.map { $0 / s }
        var expected = 0.0
        for i in 0..<4 where p[i] > 0 { expected += Double(p[i]) * log(Double(p[i]) / q[i]) }
        let kl = LossKernels.meanKL(targets: Matrix(rows: 1, columns: 4, values: p),
                                    logits: Matrix(rows: 1, columns: 4, values: z))
        #expect(isClose(kl, expected, absolute: 1e-6))
    }

    @Test func klIsZeroWhenPredictionEqualsTarget() {
        let z: [Float] = [0.3, -0.2, 1.1]
        let q = LossKernels.softmaxRows(Matrix(rows: 1, columns: 3, values: z))
        let kl = LossKernels.meanKL(targets: q, logits: Matrix(rows: 1, columns: 3, values: z))
        #expect(abs(kl) < 1e-6)
    }
}
