import Foundation

/// Softmax and KL kernels over short rows (one row = the experts of one query, 2…64 values).
enum LossKernels {
    /// In place: z ← log softmax(z); returns nothing. Max-shifted for stability.
    @inline(__always)
    static func logSoftmax(_ z: UnsafeMutablePointer<Float>, _ count: Int) {
        var m = -Float.infinity
        for i in 0..<count { m = max(m, z[i]) }
        var s: Float = 0
        for i in 0..<count { s += expf(z[i] - m) }
        let lse = m + logf(s)
        for i in 0..<count { z[i] -= lse }
    }

    /// Given log q (from `logSoftmax`) and target p: returns KL(p‖q) = Σ p·(log p − log q) and writes
    /// the gradient of KL w.r.t. the logits, scaled: g[i] = scale·(q[i] − p[i]).
    /// Terms with p = 0 contribute 0 (the limit of p·log p).
    @inline(__always)
    static func klWithGradient(logQ: UnsafePointer<Float>, target p: UnsafePointer<Float>,
                               gradient g: UnsafeMutablePointer<Float>, scale: Float, _ count: Int) -> Float {
        var kl: Float = 0
        for i in 0..<count {
            let pi = p[i]
            if pi > 0 { kl += pi * (logf(pi) - logQ[i]) }
            g[i] = scale * (expf(logQ[i]) - pi)
        }
        return kl
    }

    /// KL(p‖q) only.
    @inline(__always)
    static func kl(logQ: UnsafePointer<Float>, target p: UnsafePointer<Float>, _ count: Int) -> Float {
        var kl: Float = 0
        for i in 0..<count where p[i] > 0 { kl += p[i] * (logf(p[i]) - logQ[i]) }
        return kl
    }
}

extension LossKernels {
    /// Row-wise softmax of a `[rows][columns]` logits matrix (safe entry point).
    static func softmaxRows(_ logits: Matrix) -> Matrix {
        var out = logits
        let n = out.columns
        out.values.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for r in 0..<out.rows {
                let row = base + r * n
                logSoftmax(row, n)
                for i in 0..<n { row[i] = expf(row[i]) }
            }
        }
        return out
    }

    /// Mean over rows of KL(p_r ‖ softmax(z_r)) for `[rows][columns]` targets and logits.
    static func meanKL(targets: Matrix, logits: Matrix) -> Double {
        precondition(targets.rows == logits.rows && targets.columns == logits.columns, "KL shape mismatch")
        guard targets.rows > 0 else { return 0 }
        var z = logits
        let n = z.columns
        var total = 0.0
        z.values.withUnsafeMutableBufferPointer { zb in
            targets.values.withUnsafeBufferPointer { pb in
                guard let zbase = zb.baseAddress, let pbase = pb.baseAddress else { return }
                for r in 0..<targets.rows {
                    logSoftmax(zbase + r * n, n)
                    total += Double(kl(logQ: zbase + r * n, target: pbase + r * n, n))
                }
            }
        }
        return total / Double(targets.rows)
    }
}
