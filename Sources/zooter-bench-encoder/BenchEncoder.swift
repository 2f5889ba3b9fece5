import Foundation
import ZooterCore
import ZooterKernelsAVX512

/// zooter-bench-encoder: throughput of `TextEncoder.embed(tokenIDs:)` on synthetic token ids,
/// one JSON line per configuration, in the same shape as
/// `shared/bench/encoder_anchor_bench.py --runtime ort` so the two can be tabulated side by side.
///
///     zooter-bench-encoder [--model DIR] [--seq 16,64,256] [--batch 1,32] [--threads 1,2]
///                          [--warmup N] [--min-reps N] [--min-time S] [--peak-gflops G]
///     zooter-bench-encoder --load-only [--model DIR]     # load time + VmRSS after loading
///     zooter-bench-encoder --probe-peak                  # host CPU, ISA, FMA peak per core at 256 and 512 bits
///     zooter-bench-encoder --finetune 1,2,6 [--steps N] [--seq …] [--batch …] [--threads …] [--peak-gflops G]
///                                                        # a fine-tuning step's time and GFLOP/s
@main
struct BenchEncoder {
    struct Options {
        var model = ModelFolder.defaultPath
        var seqs = [16, 64, 256]
        var batches = [1, 32]
        var threads = [1, 2]
        var warmup = 3
        var minReps = 10
        var minTime = 3.0
        var maxReps = 2000
        var peakGFLOPS = 0.0
        var loadOnly = false
        var probePeak = false
        /// Trained layer counts of `--finetune` (empty: the inference benchmark).
        var fineTuneLayers: [Int] = []
        var fineTuneSteps = 4
    }

    static func main() throws {
        let options = try parse(Array(CommandLine.arguments.dropFirst()))
        let url = URL(fileURLWithPath: options.model)
        if options.probePeak {
            let host = PeakProbe.hostDescription()
            // The best of three: a probe only ever loses time to other work on the machine.
            let peak256 = (0..<3).map { _ in PeakProbe.fma256GFLOPS() }.max() ?? 0
            // The 512-bit probe is AVX-512 code: only where the CPU has it.
            let peak512 = VectorWidth.hostSupportsAVX512
                ? (0..<3).map { _ in AVX512PeakProbe.gflopsPerCore() }.max() ?? 0 : 0
            let active = VectorWidth.active
            emit(json([
                "mode": "peak", "cpu": host.model, "isa": host.isa.joined(separator: " "),
                "fma256_gflops_per_core": round4(peak256), "fma512_gflops_per_core": round4(peak512),
                "kernel_width_bits": active.bits,
                "peak_gflops_per_core": round4(active == .avx512 ? peak512 : peak256),
                "avx512_available": VectorWidth.hostSupportsAVX512,
            ]))
            return
        }
        if !options.fineTuneLayers.isEmpty {
            try FineTuningBench.run(options, layers: options.fineTuneLayers, steps: options.fineTuneSteps)
            return
        }
        if options.loadOnly {
            let before = residentKB()
            let encoder = try TextEncoder(modelDirectory: url, threads: 1)
            let after = residentKB()
            _ = try encoder.embed(["warm the page cache for one lookup"])
            emit(json([
                "mode": "load", "load_s": round4(encoder.loadSeconds), "rss_mb_before_load": Double(before) / 1024,
                "rss_mb_after_load": Double(after) / 1024, "rss_mb_after_one_embed": Double(residentKB()) / 1024,
                "identity": encoder.identity.description,
            ]))
            return
        }
        for threads in options.threads {
            let encoder = try TextEncoder(modelDirectory: url, threads: threads)
            for seq in options.seqs {
                for batch in options.batches {
                    let ids = syntheticIDs(batch: batch, seq: seq)
                    let times = try measure(options) { _ = try encoder.embed(tokenIDs: ids) }
                    let median = times.sorted()[times.count / 2]
                    let flops = flopsPerSequence(seq) * Double(batch)
                    var result: [String: Any] = [
                        "runtime": "zooter", "threads": threads, "batch": batch, "seq": seq,
                        "median_ms": round4(median * 1e3), "reps": times.count,
                        "p10_ms": round4(times.sorted()[times.count / 10] * 1e3),
                        "p90_ms": round4(times.sorted()[min(times.count - 1, times.count * 9 / 10)] * 1e3),
                        "sentences_per_s": round4(Double(batch) / median),
                        "achieved_gflops": round4(flops / median / 1e9),
                    ]
                    if options.peakGFLOPS > 0 { result["fraction_of_peak"] = round4(flops / median / 1e9 / options.peakGFLOPS) }
                    emit(json(result))
                }
            }
        }
    }

    /// Matmul FLOPs per sequence of `l` tokens for MiniLM-L6 (H = 384, I = 1536, 6 layers), the
    /// formula of encoder_anchor_bench.py: 6 · (8·L·H² + 4·L·H·I + 4·L²·H).
    static func flopsPerSequence(_ l: Int) -> Double {
        let h = 384.0, i = 1536.0, l = Double(l)
        return 6 * (8 * l * h * h + 4 * l * h * i + 4 * l * l * h)
    }

    /// `[CLS] random ordinary word-pieces [SEP]`, exactly `seq` ids each (ids 1996..<29612 as the
    /// peer script draws them; a fixed-seed generator, so every run sees the same ids).
    static func syntheticIDs(batch: Int, seq: Int) -> [[Int32]] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        return (0..<batch).map { _ in
            (0..<seq).map { position in
                if position == 0 { return 101 }
                if position == seq - 1 { return 102 }
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return Int32(1996 + Int((state >> 33) % UInt64(29612 - 1996)))
            }
        }
    }

    /// Warm-up (≥ `warmup` calls and ≥ 1 s), then timed calls until both `minReps` and `minTime`.
    static func measure(_ o: Options, _ body: () throws -> Void) throws -> [Double] {
        let clock = ContinuousClock()
        let warmStart = clock.now
        var calls = 0
        while calls < o.warmup || seconds(clock.now - warmStart) < 1 {
            try body()
            calls += 1
        }
        var times: [Double] = []
        let start = clock.now
        while (times.count < o.minReps || seconds(clock.now - start) < o.minTime) && times.count < o.maxReps {
            let t0 = clock.now
            try body()
            times.append(seconds(clock.now - t0))
        }
        return times
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    static func round4(_ x: Double) -> Double { (x * 1e4).rounded() / 1e4 }

    /// VmRSS of this process in kB, from /proc/self/status (0 where unavailable).
    static func residentKB() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            return Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
        }
        return 0
    }

    /// Writes one line to stdout unbuffered, so a driver script sees each result as it lands.
    static func emit(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func json(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    static func parse(_ arguments: [String]) throws -> Options {
        var o = Options()
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let v = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
            return v
        }
        func list(_ flag: String) throws -> [Int] {
            let items = try value(flag).split(separator: ",").map { Int($0) }
            guard !items.isEmpty, items.allSatisfy({ ($0 ?? 0) > 0 }) else { throw BenchError("\(flag) takes positive integers, e.g. 16,64") }
            return items.compactMap { $0 }
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--model": o.model = try value(flag)
            case "--seq": o.seqs = try list(flag)
            case "--batch": o.batches = try list(flag)
            case "--threads": o.threads = try list(flag)
            case "--warmup": o.warmup = try list(flag)[0]
            case "--min-reps": o.minReps = try list(flag)[0]
            case "--max-reps": o.maxReps = try list(flag)[0]
            case "--min-time": o.minTime = Double(try value(flag)) ?? o.minTime
            case "--peak-gflops": o.peakGFLOPS = Double(try value(flag)) ?? 0
            case "--probe-peak": o.probePeak = true
            case "--load-only": o.loadOnly = true
            case "--finetune": o.fineTuneLayers = try list(flag)
            case "--steps": o.fineTuneSteps = try list(flag)[0]
            case "-h", "--help":
                print("usage: zooter-bench-encoder [--model DIR] [--seq 16,64,256] [--batch 1,32] [--threads 1,2] [--warmup N] [--min-reps N] [--min-time S] [--max-reps N] [--peak-gflops G] [--load-only] [--probe-peak] [--finetune LAYERS [--steps N]]")
                exit(0)
            default: throw BenchError("unknown option \(flag)")
            }
        }
        return o
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
