/// AdamW (decoupled weight decay, Loshchilov & Hutter) over flat parameter buffers, SIMD8.
extension HeadKernels {
    /// One step: m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
    /// θ ← θ − lr·( m̂/(√v̂ + ε) + wd·mask·θ ), with m̂ = m/c₁, v̂ = v/c₂ (bias corrections).
    static func adamWStep(parameters: inout [Float], gradient: [Float], m: inout [Float], v: inout [Float],
                          decayMask: [Float], learningRate: Float, beta1: Float, beta2: Float,
                          epsilon: Float, weightDecay: Float, correction1: Float, correction2: Float) {
        let n = parameters.count
        precondition(gradient.count == n && m.count == n && v.count == n && decayMask.count == n, "AdamW sizes")
        parameters.withUnsafeMutableBufferPointer { pp in
        m.withUnsafeMutableBufferPointer { mp in
        v.withUnsafeMutableBufferPointer { vp in
        gradient.withUnsafeBufferPointer { gp in
        decayMask.withUnsafeBufferPointer { dp in
            guard let p = pp.baseAddress, let mb = mp.baseAddress, let vb = vp.baseAddress,
                  let g = gp.baseAddress, let mask = dp.baseAddress else { return }
            let b1 = SIMD8<Float>(repeating: beta1), b2 = SIMD8<Float>(repeating: beta2)
            let one = SIMD8<Float>(repeating: 1)
            let lr = SIMD8<Float>(repeating: learningRate), wd = SIMD8<Float>(repeating: weightDecay)
            let c1 = SIMD8<Float>(repeating: 1 / correction1), c2 = SIMD8<Float>(repeating: 1 / correction2)
            let eps = SIMD8<Float>(repeating: epsilon)
            var i = 0
            while i + 8 <= n {
                let gv = load8(g + i)
                let mv = b1 * load8(UnsafePointer(mb + i)) + (one - b1) * gv
                let vv = b2 * load8(UnsafePointer(vb + i)) + (one - b2) * gv * gv
                store8(mv, mb + i)
                store8(vv, vb + i)
                let theta = load8(UnsafePointer(p + i))
                let step = (mv * c1) / ((vv * c2).squareRoot() + eps) + wd * load8(mask + i) * theta
                store8(theta - lr * step, p + i)
                i += 8
            }
            while i < n {
                mb[i] = beta1 * mb[i] + (1 - beta1) * g[i]
                vb[i] = beta2 * vb[i] + (1 - beta2) * g[i] * g[i]
                let step = (mb[i] / correction1) / ((vb[i] / correction2).squareRoot() + epsilon)
                    + weightDecay * mask[i] * p[i]
                p[i] -= learningRate * step
                i += 1
            }
        }}}}}
    }
}
