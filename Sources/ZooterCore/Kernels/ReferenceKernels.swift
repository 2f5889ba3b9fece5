import Foundation

/// Scalar reference kernels: the test oracles for the SIMD kernels. Plain loops, Double
/// accumulation, libm functions; deliberately simple, not fast. Row-major `[rows][columns]`.
enum ReferenceKernels {
    /// `C[m][n] = A[m][k] · B[k][n] + bias[n]`, GELU if requested, `+ residual[m][n]`.
    static func linear(
        _ a: [Float], rows m: Int, depth k: Int, b: [Float], columns n: Int,
        bias: [Float]? = nil, gelu: Bool = false, residual: [Float]? = nil
    ) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Double = 0
                for p in 0..<k { sum += Double(a[i * k + p]) * Double(b[p * n + j]) }
                if let bias { sum += Double(bias[j]) }
                if gelu { sum = Self.gelu(sum) }
                if let residual { sum += Double(residual[i * n + j]) }
                c[i * n + j] = Float(sum)
            }
        }
        return c
    }

    /// x·Φ(x) via erfc, so the negative tail keeps full relative precision.
    static func gelu(_ x: Double) -> Double { 0.5 * x * Foundation.erfc(-x / 2.0.squareRoot()) }

    static func layerNorm(_ row: [Float], gamma: [Float], beta: [Float], epsilon: Double) -> [Float] {
        let n = Double(row.count)
        let mean = row.reduce(0) { $0 + Double($1) } / n
        let variance = row.reduce(0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        let inverse = 1 / (variance + epsilon).squareRoot()
        return row.indices.map { Float((Double(row[$0]) - mean) * inverse * Double(gamma[$0]) + Double(beta[$0])) }
    }

    /// Softmax of `row · scale` with an additive mask: keys where `keyMask` is false get −∞.
    static func softmax(_ row: [Float], scale: Double, keyMask: [Bool]) -> [Float] {
        let logits = row.indices.map { keyMask[$0] ? Double(row[$0]) * scale : -Double.infinity }
        let maximum = logits.max() ?? 0
        let exps = logits.map { $0 == -.infinity ? 0 : Foundation.exp($0 - maximum) }
        let total = exps.reduce(0, +)
        return exps.map { Float($0 / total) }
    }

    /// Padded-batch multi-head attention, the textbook way: `qkv` is `[batch·seq][3·H]`,
    /// `keyMask[b][j]` marks real tokens. Returns context `[batch·seq][H]`; rows of padded
    /// query positions are computed too (they attend to the real keys), as in BERT.
    static func attention(
        qkv: [Float], batch: Int, sequenceLength t: Int, heads: Int, headDim d: Int,
        keyMask: [[Bool]]
    ) -> [Float] {
        let hidden = heads * d
        var context = [Float](repeating: 0, count: batch * t * hidden)
        let scale = 1 / Double(d).squareRoot()
        for b in 0..<batch {
            for h in 0..<heads {
                for i in 0..<t {
                    let qRow = (b * t + i) * 3 * hidden + h * d
                    var scores = [Float](repeating: 0, count: t)
                    for j in 0..<t {
                        let kRow = (b * t + j) * 3 * hidden + hidden + h * d
                        var dot: Double = 0
                        for p in 0..<d { dot += Double(qkv[qRow + p]) * Double(qkv[kRow + p]) }
                        scores[j] = Float(dot)
                    }
                    let probabilities = softmax(scores, scale: scale, keyMask: keyMask[b])
                    for p in 0..<d {
                        var sum: Double = 0
                        for j in 0..<t {
                            sum += Double(probabilities[j]) * Double(qkv[(b * t + j) * 3 * hidden + 2 * hidden + h * d + p])
                        }
                        context[(b * t + i) * hidden + h * d + p] = Float(sum)
                    }
                }
            }
        }
        return context
    }
}
