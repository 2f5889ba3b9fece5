import Synchronization

/// Request ids for calls that arrive without an `x-request-id`: unique within the process and
/// unpredictable-looking across processes, without a system call per call.
///
/// Each id is a bijective 64-bit mix (SplitMix64's finaliser) of a per-process random seed plus a
/// counter, so two calls of one process never share an id, and ids of different processes collide
/// only by chance (2⁻⁶⁴ per pair). Drawing `UInt64.random` per call instead cost a `getrandom`
/// system call: ~6 % of the server's CPU on a unary call.
enum RequestIDGenerator {
    private static let seed = UInt64.random(in: .min ... .max)
    private static let counter = Atomic<UInt64>(0)

    static func next() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        return String(mix(seed &+ n &* 0x9E37_79B9_7F4A_7C15), radix: 16)
    }

    /// SplitMix64's output function: a bijection on 64-bit integers.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
