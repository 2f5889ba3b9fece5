import ZooterKernelsAVX512
import ZooterVectorMath

/// Row-wise kernels on raw rows: LayerNorm, masked softmax, sums. Serial; callers parallelise
/// over rows.
enum RowKernels {
    /// In-place LayerNorm of one row of `n` floats: y = (x − mean) / √(var + eps) · gamma + beta
    /// (biased variance, as `torch.nn.LayerNorm`). Two passes for accuracy: mean, then centred
    /// sum of squares.
    @inline(__always)
    static func layerNorm(
        _ x: UnsafeMutablePointer<Float>, count n: Int,
        gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, epsilon: Float
    ) {
        let vectorEnd = n & ~7
        var sum = SIMD8<Float>()
        var i = 0
        while i < vectorEnd { sum += load(x + i); i += 8 }
        var total = sum.sum()
        while i < n { total += x[i]; i += 1 }
        let mean = total / Float(n)
        var squares = SIMD8<Float>()
        i = 0
        while i < vectorEnd {
            let d = load(x + i) - mean
            squares = squares.addingProduct(d, d)
            i += 8
        }
        var variance = squares.sum()
        while i < n { let d = x[i] - mean; variance += d * d; i += 1 }
        variance /= Float(n)
        let inverse = 1 / (variance + epsilon).squareRoot()
        i = 0
        while i < vectorEnd {
            let y = (load(x + i) - mean) * inverse * load(gamma + i) + load(beta + i)
            store(y, x + i)
            i += 8
        }
        while i < n { x[i] = (x[i] - mean) * inverse * gamma[i] + beta[i]; i += 1 }
    }

    /// In-place softmax of `row[0..<validKeys] · scale`; entries `validKeys..<count` (masked
    /// keys: padding or past the sequence) are set to exactly 0. Requires validKeys ≥ 1.
    /// The exponentials run at `vectorWidth` (512 bits: `AVX512Exponentials`); both widths give
    /// the same bits (same `exp` per lane, sums in the same order).
    @inline(__always)
    static func maskedSoftmax(
        _ row: UnsafeMutablePointer<Float>, count: Int, validKeys: Int, scale: Float,
        vectorWidth: VectorWidth = .active
    ) {
        let vectorEnd = validKeys & ~7
        var maxima = SIMD8<Float>(repeating: -.infinity)
        var i = 0
        while i < vectorEnd { let v = load(row + i); maxima = maxima.replacing(with: v, where: v .> maxima); i += 8 }
        var maximum = maxima.max()
        while i < validKeys { maximum = max(maximum, row[i]); i += 1 }
        if vectorWidth == .avx512 {
            AVX512Exponentials.exponentiate(row, count: vectorEnd, scale: scale, shift: -maximum * scale)
        } else {
            let shift = SIMD8<Float>(repeating: -maximum * scale)
            let scales = SIMD8<Float>(repeating: scale)
            i = 0
            while i < vectorEnd { store(VectorMath.exp(shift.addingProduct(load(row + i), scales)), row + i); i += 8 }
        }
        var sums = SIMD8<Float>()
        i = 0
        while i < vectorEnd { sums += load(row + i); i += 8 }
        var total = sums.sum()
        if i < validKeys {
            // Tail: evaluate a partial vector with masked lanes forced to −∞ → e = 0.
            var tail = SIMD8<Float>(repeating: -.infinity)
            for lane in 0..<(validKeys - i) { tail[lane] = row[i + lane] * scale - maximum * scale }
            let e = VectorMath.exp(tail).replacing(with: 0, where: tail .== -.infinity)
            for lane in 0..<(validKeys - i) { row[i + lane] = e[lane] }
            total += e.sum()
        }
        let inverse = SIMD8<Float>(repeating: 1 / total)
        i = 0
        while i < vectorEnd { store(load(row + i) * inverse, row + i); i += 8 }
        while i < validKeys { row[i] *= inverse[0]; i += 1 }
        for j in validKeys..<count { row[j] = 0 }
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func load(_ p: UnsafeMutablePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }
}
