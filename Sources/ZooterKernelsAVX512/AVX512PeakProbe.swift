import Foundation

/// The host's FP32 FMA peak of one core at 512 bits, for the encoder benchmark's %peak column
/// (the 256-bit probe lives beside the benchmark, compiled for AVX2). Here because only this
/// module is compiled with AVX-512; like the kernel, it must not run before the CPU check.
public enum AVX512PeakProbe {
    /// GFLOP/s of one core running twelve independent chains of 512-bit FMAs for `seconds`.
    @inline(never)
    public static func gflopsPerCore(seconds: Double = 0.5) -> Double {
        let x = SIMD16<Float>(repeating: 0.999_999), y = SIMD16<Float>(repeating: 1e-7)
        var a = [SIMD16<Float>](repeating: SIMD16<Float>(repeating: 1), count: 12)
        var (a0, a1, a2, a3, a4, a5) = (a[0], a[1], a[2], a[3], a[4], a[5])
        var (a6, a7, a8, a9, a10, a11) = (a[6], a[7], a[8], a[9], a[10], a[11])
        let chunk = 1 << 21
        var iterations = 0
        let start = Date()
        repeat {
            for _ in 0..<chunk {
                a0 = a0.addingProduct(x, y); a1 = a1.addingProduct(x, y); a2 = a2.addingProduct(x, y)
                a3 = a3.addingProduct(x, y); a4 = a4.addingProduct(x, y); a5 = a5.addingProduct(x, y)
                a6 = a6.addingProduct(x, y); a7 = a7.addingProduct(x, y); a8 = a8.addingProduct(x, y)
                a9 = a9.addingProduct(x, y); a10 = a10.addingProduct(x, y); a11 = a11.addingProduct(x, y)
            }
            iterations += chunk
        } while Date().timeIntervalSince(start) < seconds
        let elapsed = Date().timeIntervalSince(start)
        a = [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11]
        // Used, so the loop cannot be removed.
        if a.reduce(SIMD16<Float>(), +).sum().isNaN { print("unexpected NaN") }
        return Double(iterations) * 12 * 16 * 2 / elapsed / 1e9
    }
}
