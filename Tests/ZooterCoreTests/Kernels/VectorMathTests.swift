import Foundation
import Testing
@testable import ZooterCore
import ZooterVectorMath

/// Elementary functions vs Double libm. Gates: exp relative ≤ 3e-7 on [-87, 88]; erf relative
/// ≤ 1e-6 on [-10, 10]; GELU relative ≤ 1e-6 where |GELU| > 1e-30 (absolute below).
@Suite("Vector math")
struct VectorMathTests {
    static func sweep(_ range: ClosedRange<Float>, count: Int) -> [Float] {
        (0..<count).map { range.lowerBound + (range.upperBound - range.lowerBound) * Float($0) / Float(count - 1) }
    }

    static func apply(_ f: (SIMD8<Float>) -> SIMD8<Float>, _ xs: [Float]) -> [Float] {
        var out: [Float] = []
        for start in stride(from: 0, to: xs.count, by: 8) {
            var v = SIMD8<Float>()
            for lane in 0..<8 where start + lane < xs.count { v[lane] = xs[start + lane] }
            let r = f(v)
            for lane in 0..<8 where start + lane < xs.count { out.append(r[lane]) }
        }
        return out
    }

    @Test func expRelativeError() {
        let xs = Self.sweep(-87...88, count: 200_003)
        let ys = Self.apply(VectorMath.exp, xs)
        let worst = zip(xs, ys).map { abs(Double($1) - Foundation.exp(Double($0))) / Foundation.exp(Double($0)) }.max()!
        #expect(worst <= 3e-7, "exp worst relative error \(worst)")
        #expect(Self.apply(VectorMath.exp, [-200])[0] < 1e-37)
    }

    @Test func erfRelativeError() {
        let xs = Self.sweep(-10...10, count: 400_001) + [1e-20, -1e-30, 0.899_999_9, 0.9, 0.900_000_1]
        let ys = Self.apply(VectorMath.erf, xs)
        var worst = 0.0
        for (x, y) in zip(xs, ys) where x != 0 {
            let truth = Foundation.erf(Double(x))
            worst = max(worst, abs(Double(y) - truth) / abs(truth))
        }
        #expect(worst <= 1e-6, "erf worst relative error \(worst)")
    }

    @Test func geluMatchesExactErfGELU() {
        let xs = Self.sweep(-14...14, count: 400_001)
        let ys = Self.apply(VectorMath.gelu, xs)
        var worst = 0.0, worstX: Float = 0
        for (x, y) in zip(xs, ys) {
            let truth = ReferenceKernels.gelu(Double(x))
            let error = abs(Double(y) - truth)
            let e = abs(truth) > 1e-30 ? error / abs(truth) : error
            if e > worst { worst = e; worstX = x }
        }
        #expect(worst <= 1e-6, "gelu worst relative error \(worst) at x = \(worstX)")
    }
}
