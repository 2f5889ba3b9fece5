import Foundation

/// Forward and backward passes of both heads over a batch of embedding rows, processed in blocks of
/// four rows so each weight row is loaded once per four examples (`dot4`/`axpy4`). A block with
/// fewer than four real rows repeats its first row in the spare slots with zero gradient weight.
extension HeadKernels {
    /// Logits `[rows.count][outputs]` for the given embedding rows.
    static func logits(architecture a: HeadArchitecture, parameters: [Float], embeddings x: Matrix,
                       rows: [Int]) -> Matrix {
        precondition(x.columns == a.inputs, "embedding width does not match the head")
        var out = Matrix(rows: rows.count, columns: a.outputs)
        var scratch = [Float](repeating: 0, count: 4 * max(a.hidden, 1))
        parameters.withUnsafeBufferPointer { pp in
            x.values.withUnsafeBufferPointer { xp in
                out.values.withUnsafeMutableBufferPointer { op in
                    scratch.withUnsafeMutableBufferPointer { sp in
                        guard let p = pp.baseAddress, let xb = xp.baseAddress, let o = op.baseAddress,
                              let s = sp.baseAddress else { return }
                        var start = 0
                        while start < rows.count {
                            let n = min(4, rows.count - start)
                            let xs = (0..<4).map { xb + rows[start + min($0, n - 1)] * a.inputs }
                            forwardBlock(a, p, xs, hidden: s, logits: o + start * a.outputs, valid: n)
                            start += 4
                        }
                    }
                }
            }
        }
        return out
    }

    /// Adds the gradient of Σ_rows KL(target_r ‖ softmax(head(x_r))) · scale to `gradient` and
    /// returns the unscaled KL sum. `targets` is `[x.rows][outputs]` (row r is the target of x row r).
    static func accumulateGradient(architecture a: HeadArchitecture, parameters: [Float],
                                   gradient: inout [Float], embeddings x: Matrix, targets: Matrix,
                                   rows: ArraySlice<Int>, scale: Float) -> Double {
        precondition(x.columns == a.inputs && targets.columns == a.outputs, "shape mismatch")
        precondition(gradient.count == parameters.count, "gradient buffer size")
        let rows = Array(rows)
        let h = max(a.hidden, 1), o = a.outputs
        var hiddenPre = [Float](repeating: 0, count: 4 * h)
        var hiddenOut = [Float](repeating: 0, count: 4 * h)
        var hiddenGrad = [Float](repeating: 0, count: 4 * h)
        var z = [Float](repeating: 0, count: 4 * o)
        var g = [Float](repeating: 0, count: 4 * o)
        var total = 0.0
        parameters.withUnsafeBufferPointer { pp in
        gradient.withUnsafeMutableBufferPointer { gp in
        x.values.withUnsafeBufferPointer { xp in
        targets.values.withUnsafeBufferPointer { tp in
        hiddenPre.withUnsafeMutableBufferPointer { hpp in
        hiddenOut.withUnsafeMutableBufferPointer { hop in
        hiddenGrad.withUnsafeMutableBufferPointer { hgp in
        z.withUnsafeMutableBufferPointer { zp in
        g.withUnsafeMutableBufferPointer { gradLogits in
            guard let p = pp.baseAddress, let dp = gp.baseAddress, let xb = xp.baseAddress,
                  let tb = tp.baseAddress, let hPre = hpp.baseAddress, let hOut = hop.baseAddress,
                  let hGrad = hgp.baseAddress, let zb = zp.baseAddress, let gl = gradLogits.baseAddress
            else { return }
            var start = 0
            while start < rows.count {
                let n = min(4, rows.count - start)
                let slot = (0..<4).map { rows[start + min($0, n - 1)] }
                let xs = slot.map { xb + $0 * a.inputs }
                // Forward (keeps pre-activations for the backward pass).
                if a.kind == .mlp {
                    mlpHidden(a, p, xs, pre: hPre, out: hOut)
                    mlpOutput(a, p, hidden: hOut, logits: zb)
                } else {
                    linearOutput(a, p, xs, logits: zb)
                }
                // Loss and dL/dlogits; spare slots get zero weight.
                for k in 0..<4 {
                    LossKernels.logSoftmax(zb + k * o, o)
                    let kl = LossKernels.klWithGradient(logQ: zb + k * o, target: tb + slot[k] * o,
                                                        gradient: gl + k * o, scale: k < n ? scale : 0, o)
                    if k < n { total += Double(kl) }
                }
                if a.kind == .mlp {
                    mlpBackward(a, p, dp, xs, pre: hPre, out: hOut, hiddenGrad: hGrad, logitGrad: gl)
                } else {
                    linearBackward(a, dp, xs, logitGrad: gl)
                }
                start += 4
            }
        }}}}}}}}}
        return total
    }

    // MARK: blocks

    private static func forwardBlock(_ a: HeadArchitecture, _ p: UnsafePointer<Float>,
                                     _ xs: [UnsafePointer<Float>], hidden s: UnsafeMutablePointer<Float>,
                                     logits: UnsafeMutablePointer<Float>, valid: Int) {
        var z = [Float](repeating: 0, count: 4 * a.outputs)
        z.withUnsafeMutableBufferPointer { zp in
            guard let zb = zp.baseAddress else { return }
            if a.kind == .mlp {
                var pre = [Float](repeating: 0, count: 4 * a.hidden)
                pre.withUnsafeMutableBufferPointer { prep in
                    guard let pb = prep.baseAddress else { return }
                    mlpHidden(a, p, xs, pre: pb, out: s)
                }
                mlpOutput(a, p, hidden: s, logits: zb)
            } else {
                linearOutput(a, p, xs, logits: zb)
            }
            for i in 0..<(valid * a.outputs) { logits[i] = zb[i] }
        }
    }

    /// z[k][o] = W[o]·x_k + b[o] for the four rows.
    @inline(__always)
    private static func linearOutput(_ a: HeadArchitecture, _ p: UnsafePointer<Float>,
                                     _ xs: [UnsafePointer<Float>], logits z: UnsafeMutablePointer<Float>) {
        let d = a.inputs, o = a.outputs, bias = p + o * d
        for j in 0..<o {
            let s = dot4(p + j * d, xs[0], xs[1], xs[2], xs[3], d)
            for k in 0..<4 { z[k * o + j] = s[k] + bias[j] }
        }
    }

    @inline(__always)
    private static func linearBackward(_ a: HeadArchitecture, _ dp: UnsafeMutablePointer<Float>,
                                       _ xs: [UnsafePointer<Float>], logitGrad g: UnsafePointer<Float>) {
        let d = a.inputs, o = a.outputs, dBias = dp + o * d
        for j in 0..<o {
            let alphas = SIMD4(g[j], g[o + j], g[2 * o + j], g[3 * o + j])
            axpy4(alphas, xs[0], xs[1], xs[2], xs[3], dp + j * d, d)
            dBias[j] += alphas.sum()
        }
    }

    /// pre[k][j] = W₁[j]·x_k + b₁[j]; out = act(pre).
    @inline(__always)
    private static func mlpHidden(_ a: HeadArchitecture, _ p: UnsafePointer<Float>, _ xs: [UnsafePointer<Float>],
                                  pre: UnsafeMutablePointer<Float>, out: UnsafeMutablePointer<Float>) {
        let d = a.inputs, h = a.hidden, b1 = p + h * d
        for j in 0..<h {
            let s = dot4(p + j * d, xs[0], xs[1], xs[2], xs[3], d)
            for k in 0..<4 {
                let v = s[k] + b1[j]
                pre[k * h + j] = v
                out[k * h + j] = activate(v, a.activation)
            }
        }
    }

    @inline(__always)
    private static func mlpOutput(_ a: HeadArchitecture, _ p: UnsafePointer<Float>,
                                  hidden: UnsafePointer<Float>, logits z: UnsafeMutablePointer<Float>) {
        let d = a.inputs, h = a.hidden, o = a.outputs
        let w2 = p + h * (d + 1), b2 = w2 + o * h
        for j in 0..<o {
            let s = dot4(w2 + j * h, hidden, hidden + h, hidden + 2 * h, hidden + 3 * h, h)
            for k in 0..<4 { z[k * o + j] = s[k] + b2[j] }
        }
    }

    @inline(__always)
    private static func mlpBackward(_ a: HeadArchitecture, _ p: UnsafePointer<Float>, _ dp: UnsafeMutablePointer<Float>,
                                    _ xs: [UnsafePointer<Float>], pre: UnsafePointer<Float>,
                                    out: UnsafePointer<Float>, hiddenGrad dh: UnsafeMutablePointer<Float>,
                                    logitGrad g: UnsafePointer<Float>) {
        let d = a.inputs, h = a.hidden, o = a.outputs
        let w2 = p + h * (d + 1), dW1 = dp, dB1 = dp + h * d, dW2 = dp + h * (d + 1), dB2 = dW2 + o * h
        for i in 0..<(4 * h) { dh[i] = 0 }
        for j in 0..<o {
            let alphas = SIMD4(g[j], g[o + j], g[2 * o + j], g[3 * o + j])
            axpy4(alphas, out, out + h, out + 2 * h, out + 3 * h, dW2 + j * h, h)
            dB2[j] += alphas.sum()
            for k in 0..<4 { axpy(alphas[k], w2 + j * h, dh + k * h, h) }
        }
        for i in 0..<(4 * h) { dh[i] *= activationDerivative(pre[i], a.activation) }
        for j in 0..<h {
            let alphas = SIMD4(dh[j], dh[h + j], dh[2 * h + j], dh[3 * h + j])
            if alphas == .zero { continue }  // ReLU-dead unit for all four rows
            axpy4(alphas, xs[0], xs[1], xs[2], xs[3], dW1 + j * d, d)
            dB1[j] += alphas.sum()
        }
    }

    @inline(__always)
    static func activate(_ v: Float, _ activation: Activation) -> Float {
        switch activation {
        case .relu: return max(v, 0)
        case .gelu: return 0.5 * v * (1 + erff(v * 0.707_106_77))
        }
    }

    /// d act / d v.
    @inline(__always)
    static func activationDerivative(_ v: Float, _ activation: Activation) -> Float {
        switch activation {
        case .relu: return v > 0 ? 1 : 0
        case .gelu:
            // Φ(v) + v·φ(v)
            return 0.5 * (1 + erff(v * 0.707_106_77)) + v * 0.398_942_28 * expf(-0.5 * v * v)
        }
    }
}
