import Foundation

/// How a tensor's scalars are encoded in a file (always little-endian).
enum FloatEncoding: Sendable {
    case float32, float16, bfloat16

    var byteWidth: Int { self == .float32 ? 4 : 2 }
}

/// Decodes little-endian F32 / F16 / BF16 bytes into `Float`.
enum Conversion {
    /// Decodes `count` scalars starting at `byteOffset` of `data` into `output[outputOffset...]`.
    /// Bounds are preconditions: the safetensors reader validated every range before this runs.
    static func decode(
        _ data: Data, byteOffset: Int, count: Int, encoding: FloatEncoding,
        into output: inout [Float], at outputOffset: Int = 0
    ) {
        precondition(byteOffset >= 0 && byteOffset + count * encoding.byteWidth <= data.count,
                     "tensor bytes out of range")
        precondition(outputOffset >= 0 && outputOffset + count <= output.count, "output too small")
        guard count > 0 else { return }
        data.withUnsafeBytes { raw in
            output.withUnsafeMutableBufferPointer { out in
                let src = raw.baseAddress! + byteOffset
                let dst = out.baseAddress! + outputOffset
                switch encoding {
                case .float32:
                    for i in 0..<count {
                        dst[i] = Float(bitPattern: UInt32(littleEndian: src.loadUnaligned(
                            fromByteOffset: 4 * i, as: UInt32.self)))
                    }
                case .float16:
                    for i in 0..<count {
                        dst[i] = float(fromFloat16Bits: UInt16(littleEndian: src.loadUnaligned(
                            fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                case .bfloat16:
                    for i in 0..<count {
                        dst[i] = float(fromBFloat16Bits: UInt16(littleEndian: src.loadUnaligned(
                            fromByteOffset: 2 * i, as: UInt16.self)))
                    }
                }
            }
        }
    }

    /// IEEE binary16 → binary32, exact (incl. subnormals, ±inf, NaN), without relying on the
    /// platform `Float16` type (absent on some targets).
    @inline(__always)
    static func float(fromFloat16Bits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int32((bits >> 10) & 0x1F)
        let mantissa = UInt32(bits & 0x3FF)
        if exponent == 0x1F {  // inf / NaN
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {  // zero / subnormal: mantissa · 2^-24
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
    }

    /// bfloat16 is the top half of a binary32.
    @inline(__always)
    static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
