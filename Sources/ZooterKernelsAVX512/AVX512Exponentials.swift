import ZooterVectorMath

/// The exponentials of a softmax row at 512 bits: the one part of attention's softmax that costs
/// (an `exp` per score), done 16 lanes at a time with the same `VectorMath.exp` the 256-bit path
/// runs 8 at a time, so every value has the same bits. Same contract as `AVX512MicroKernel`: only
/// runs after ZooterCore's `VectorWidth` saw `avx512f`, and is `@inline(never)`.
public enum AVX512Exponentials {
    /// `row[i] = exp(row[i] · scale + shift)` (one FMA, then `exp`) for `i < count`; `count` is a
    /// multiple of 8 (the caller finishes a shorter tail as before).
    @inline(never)
    public static func exponentiate(_ row: UnsafeMutablePointer<Float>, count: Int, scale: Float, shift: Float) {
        precondition(count % 8 == 0, "exponentiate: count must be a multiple of 8")
        let base = UnsafeMutableRawPointer(row)
        var i = 0
        while i + 16 <= count {
            let x = base.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
            let e = VectorMath.exp(SIMD16(repeating: shift).addingProduct(x, SIMD16(repeating: scale)))
            base.storeBytes(of: e, toByteOffset: 4 * i, as: SIMD16<Float>.self)
            i += 16
        }
        if i < count {
            let x = base.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            let e = VectorMath.exp(SIMD8(repeating: shift).addingProduct(x, SIMD8(repeating: scale)))
            base.storeBytes(of: e, toByteOffset: 4 * i, as: SIMD8<Float>.self)
        }
    }
}
