/// A `SIMD` vector of `Float` lanes whose comparisons compile to vector compares.
///
/// `VectorMath` is written once, generically, for the 256-bit kernels in ZooterCore (`SIMD8`) and the
/// 512-bit ones in ZooterKernelsAVX512 (`SIMD16`); both inline it and compile it for their own
/// width. Arithmetic through the `SIMD` protocol specialises to vector instructions, but `SIMD`'s
/// generic lane comparisons stay lane-by-lane loops even when specialised. Declared as
/// requirements here, the comparisons are witnessed by the standard library's concrete ones for
/// each vector type (single vector compares), which specialisation then inlines.
public protocol FloatVector: SIMD where Scalar == Float {
    static func .< (a: Self, b: Self) -> SIMDMask<MaskStorage>
    static func .> (a: Self, b: Self) -> SIMDMask<MaskStorage>
    static func .>= (a: Self, b: Self) -> SIMDMask<MaskStorage>
}

extension SIMD8: FloatVector where Scalar == Float {}
extension SIMD16: FloatVector where Scalar == Float {}

extension FloatVector {
    /// Lanes where `a < b`.
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, below b: Float) -> SIMDMask<MaskStorage> { a .< Self(repeating: b) }
    /// Lanes where `a > b`.
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, above b: Float) -> SIMDMask<MaskStorage> { a .> Self(repeating: b) }
    /// Lanes where `a >= b`.
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, atLeast b: Float) -> SIMDMask<MaskStorage> { a .>= Self(repeating: b) }
}
