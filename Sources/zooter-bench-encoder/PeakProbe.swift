import Foundation

/// The host's measured FP32 FMA peak, so %peak figures are against this machine rather than a
/// constant from another one: one core runs independent fused multiply-adds at a given vector
/// width for a fixed time. Twelve accumulators cover the FMA latency × issue width of current x86
/// cores (4 cycles × 2 ports), so the loop is throughput-bound.
enum PeakProbe {
    /// GFLOP/s of one core with 256-bit (8 × Float) FMAs, the width the encoder's kernels use.
    static func fma256GFLOPS(seconds: Double = 0.5) -> Double {
        let x = SIMD8<Float>(repeating: 0.999_999), y = SIMD8<Float>(repeating: 1e-7)
        var a = [SIMD8<Float>](repeating: SIMD8<Float>(repeating: 1), count: 12)
        var (a0, a1, a2, a3, a4, a5) = (a[0], a[1], a[2], a[3], a[4], a[5])
        var (a6, a7, a8, a9, a10, a11) = (a[6], a[7], a[8], a[9], a[10], a[11])
        let chunk = 1 << 22
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
        if a.reduce(SIMD8<Float>(), +).sum().isNaN { print("unexpected NaN") }
        return Double(iterations) * 12 * 8 * 2 / elapsed / 1e9
    }

    /// The CPU model and the vector ISA extensions that matter here, from /proc/cpuinfo.
    static func hostDescription() -> (model: String, isa: [String]) {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let lines = info.split(separator: "\n")
        let model = lines.first { $0.hasPrefix("model name") }.map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        let flags = Set(lines.first { $0.hasPrefix("flags") }?.split(separator: " ").map(String.init) ?? [])
        let wanted = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_bf16", "avx512_vnni"]
        return (model, wanted.filter(flags.contains))
    }
}
