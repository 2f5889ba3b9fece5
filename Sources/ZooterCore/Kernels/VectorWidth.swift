import Foundation

/// The vector width the GEMM micro-kernels run at, chosen once per process from the CPU.
///
/// The package is compiled for AVX2 + FMA (256-bit); the 512-bit micro-kernel lives in the
/// `ZooterKernelsAVX512` module, the only code compiled with AVX-512 enabled, and is called only
/// when `active` is `.avx512`. So one binary (and one container image) runs on every x86-64 host
/// with AVX2 + FMA and uses the full width where there is one, never dying with SIGILL.
///
/// `ZOOTER_KERNELS=avx2` forces the 256-bit path (to compare the two, or if a host's AVX-512 runs
/// slower than its AVX2, as on CPUs that split each 512-bit FMA in two); any other value, or none,
/// means "the widest the CPU has". Requesting `avx512` on a CPU without it is not honoured.
public enum VectorWidth: String, Sendable, CaseIterable {
    case avx2
    case avx512

    /// The width every GEMM in this process uses unless a caller asks for another.
    public static let active: VectorWidth = choose(
        environment: ProcessInfo.processInfo.environment["ZOOTER_KERNELS"], cpuFlags: hostCPUFlags)

    /// Whether this CPU (as the kernel reports it, which includes the OS saving the ZMM state)
    /// can run the 512-bit kernel.
    public static let hostSupportsAVX512 = hostCPUFlags.contains("avx512f")

    /// Widths this host can run, narrowest first (what the correctness tests iterate over).
    public static var runnable: [VectorWidth] { hostSupportsAVX512 ? [.avx2, .avx512] : [.avx2] }

    /// Bits per vector register at this width.
    public var bits: Int { self == .avx512 ? 512 : 256 }

    /// The choice, as a pure function of the override and the CPU's flags (tested directly).
    static func choose(environment: String?, cpuFlags: Set<String>) -> VectorWidth {
        if environment?.lowercased() == VectorWidth.avx2.rawValue { return .avx2 }
        return cpuFlags.contains("avx512f") ? .avx512 : .avx2
    }

    /// The `flags` line of /proc/cpuinfo. Linux lists `avx512f` only when the CPU has it and the
    /// kernel enabled its register state (XCR0), which is exactly the condition for running it.
    /// Unreadable (another OS, a locked-down sandbox) means no flags: the 256-bit path.
    static let hostCPUFlags: Set<String> = {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return [] }
        return Set(line.split(separator: " ").map(String.init))
    }()
}
