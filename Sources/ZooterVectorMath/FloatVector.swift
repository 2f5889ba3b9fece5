/// A `SIMD` vector of `Float` lanes whose comparisons compile to vector compares.
///
/// `VectorMath` is written once, generically, for the 256-bit kernels in ZooterCore (`SIMD8`) and the
/// 512-bit ones in ZooterKernelsAVX512 (`SIMD16`); both inline it and compile it for their own
/// width. Arithmetic through the `SIMD` protocol specialises to vector instructions, but the
/// protocol's lane comparisons stay lane-by-lane loops in generic code, so they are requirements
/// here, witnessed by each concrete type's own compare.
public protocol FloatVector: SIMD where Scalar == Float {
    /// Lanes where `a < b`.
    static func lanes(_ a: Self, below b: Float) -> SIMDMask<MaskStorage>
    /// Lanes where `a > b`.
    static func lanes(_ a: Self, above b: Float) -> SIMDMask<MaskStorage>
    /// Lanes where `a >= b`.
    static func lanes(_ a: Self, atLeast b: Float) -> SIMDMask<MaskStorage>
    /// Lanes equal to `b`.
    static func lanes(_ a: Self, equalTo b: Float) -> SIMDMask<MaskStorage>
}

extension SIMD8: FloatVector where Scalar == Float {
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, below b: Float) -> SIMDMask<MaskStorage> { a .< Self(repeating: b) }
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, above b: Float) -> SIMDMask<MaskStorage> { a .> Self(repeating: b) }
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, atLeast b: Float) -> SIMDMask<MaskStorage> { a .>= Self(repeating: b) }
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, equalTo b: Float) -> SIMDMask<MaskStorage> { a .== Self(repeating: b) }
}

extension SIMD16: FloatVector where Scalar == Float {
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, below b: Float) -> SIMDMask<MaskStorage> { a .< Self(repeating: b) }
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, above b: Float) -> SIMDMask<MaskStorage> { a .> Self(repeating: b) }
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, atLeast b: Float) -> SIMDMask<MaskStorage> { a .>= Self(repeating: b) }
    @inlinable @inline(__always)
    public static func lanes(_ a: Self, equalTo b: Float) -> SIMDMask<MaskStorage> { a .== Self(repeating: b) }
}
