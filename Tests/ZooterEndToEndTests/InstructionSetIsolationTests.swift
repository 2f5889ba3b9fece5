import Foundation
import Testing
import ZooterCore
import ZooterTestSupport

/// One binary for every x86-64 host with AVX2 + FMA: AVX-512 instructions may appear only in the
/// module compiled for them (`ZooterKernelsAVX512`), which runs after the CPU check. Cross-module
/// inlining or a stray flag would put them into code that runs on every host, where they die with
/// SIGILL; this disassembles the object files of every module of ours and looks for the registers
/// only AVX-512 has (zmm, xmm/ymm 16–31, mask registers k0–k7).
@Suite("Instruction-set isolation")
struct InstructionSetIsolationTests {
    static let buildDirectory = ChildProcess.binDirectory

    /// Object files of our own modules (dependencies are compiled without AVX-512 flags; some of
    /// their C code, e.g. BoringSSL's, dispatches to AVX-512 on its own).
    static func objectFiles(inModule predicate: (String) -> Bool) throws -> [URL] {
        let folders = try FileManager.default.contentsOfDirectory(atPath: buildDirectory.path).filter {
            $0.hasSuffix(".build") && ($0.hasPrefix("Zooter") || $0.hasPrefix("zooter")) && predicate($0)
        }
        return try folders.flatMap { folder in
            let url = buildDirectory.appendingPathComponent(folder)
            return try FileManager.default.contentsOfDirectory(atPath: url.path)
                .filter { $0.hasSuffix(".o") }.map { url.appendingPathComponent($0) }
        }
    }

    /// Disassembled lines of `files` that use an AVX-512-only register.
    static func avx512Lines(_ files: [URL]) async throws -> [String] {
        let pattern = try NSRegularExpression(pattern: #"%(zmm\d+|[xy]mm(1[6-9]|2\d|3[01])|k[0-7])\b"#)
        var hits: [String] = []
        for file in files {
            let process = try ChildProcess(path: URL(fileURLWithPath: "/usr/bin/objdump"),
                                           ["-d", "--no-show-raw-insn", file.path], name: "objdump")
            let status = await process.wait()
            #expect(status == 0, "objdump \(file.lastPathComponent)")
            for line in process.output.split(separator: "\n") {
                let text = String(line)
                if pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil {
                    hits.append("\(file.lastPathComponent): \(text)")
                }
            }
        }
        return hits
    }

    @Test func onlyTheWideKernelModuleUsesAVX512() async throws {
        #if arch(x86_64)
        let wide = try Self.objectFiles { $0 == "ZooterKernelsAVX512.build" }
        let rest = try Self.objectFiles { $0 != "ZooterKernelsAVX512.build" }
        try #require(!wide.isEmpty && rest.count > 20, "object files not found under \(Self.buildDirectory.path)")
        // The check can fail: the wide module itself is full of zmm instructions.
        #expect(try await Self.avx512Lines(wide).count > 20)
        let stray = try await Self.avx512Lines(rest)
        #expect(stray.isEmpty, "AVX-512 outside ZooterKernelsAVX512:\n\(stray.prefix(20).joined(separator: "\n"))")
        #endif
    }

    /// A service says at start which width its kernels run at, and `ZOOTER_KERNELS=avx2` forces
    /// the 256-bit path in the real process.
    @Test func servicesLogTheKernelWidthAndHonourTheOverride() async throws {
        let inherited = ProcessInfo.processInfo.environment
        for (environment, expected) in [
            (inherited, VectorWidth.active.rawValue),
            (inherited.merging(["ZOOTER_KERNELS": "avx2"]) { $1 }, "avx2"),
        ] {
            let tagger = try ChildProcess(
                path: ChildProcess.binDirectory.appendingPathComponent("zooter-tagger"), ["--port", "0"],
                name: "zooter-tagger", currentDirectory: ChildProcess.root, environment: environment)
            let line = try await tagger.line(matching: "kernels=avx[0-9]+")
            #expect(line == "kernels=\(expected)")
            _ = try await tagger.port()  // serving, so SIGTERM is a graceful stop
            tagger.kill(SIGTERM)
            #expect(await tagger.wait() == 0, "the tagger exits 0 on SIGTERM")
        }
    }

    /// The whole encoder gives the same bits at both widths (GEMMs with GELU and residuals,
    /// attention's softmax): `zooter-trainer embed` as a user runs it, with and without
    /// `ZOOTER_KERNELS=avx2`, on texts whose lengths cover full and partial vectors and tiles.
    @Test(.enabled(if: VectorWidth.hostSupportsAVX512, "needs an AVX-512 host (both widths)"))
    func embeddingsAreBitIdenticalAtBothWidths() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-widths-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let words = "route each request to the model that answers it best while keeping the cost low".split(separator: " ")
        let texts = (1...40).map { n in (0..<(n * 3)).map { String(words[($0 * 7 + n) % words.count]) }.joined(separator: " ") }
        let input = directory.appendingPathComponent("texts.jsonl")
        let lines = try texts.map { String(decoding: try JSONEncoder().encode(["text": $0]), as: UTF8.self) }
        try lines.joined(separator: "\n").appending("\n").write(to: input, atomically: true, encoding: .utf8)
        var outputs: [Data] = []
        // Without the override in the first run even if the tests were started with one.
        let inherited = ProcessInfo.processInfo.environment.filter { $0.key != "ZOOTER_KERNELS" }
        for (name, extra) in [("widest", [String: String]()), ("avx2", ["ZOOTER_KERNELS": "avx2"])] {
            let output = directory.appendingPathComponent("\(name).f32")
            let trainer = try ChildProcess(
                path: ChildProcess.binDirectory.appendingPathComponent("zooter-trainer"),
                ["embed", "--input", input.path, "--output", output.path, "--batch", "40"],
                name: "zooter-trainer", currentDirectory: ChildProcess.root,
                environment: inherited.merging(extra) { $1 })
            #expect(await trainer.wait() == 0, "embed (\(name)) exits 0")
            outputs.append(try Data(contentsOf: output))
        }
        #expect(outputs[0].count == texts.count * 384 * 4)
        #expect(outputs[0] == outputs[1], "512- and 256-bit embeddings differ")
    }
}
