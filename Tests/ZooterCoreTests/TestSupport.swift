import Foundation
@testable import ZooterCore

/// Locations and shared fixtures for the tests.
enum TestSupport {
    /// The package root, derived from this file's path (Tests/ZooterCoreTests/TestSupport.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `$ZOOTER_MODEL_DIR`, else `<package root>/models/all-MiniLM-L6-v2`.
    static let modelDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["ZOOTER_MODEL_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.appendingPathComponent("models/all-MiniLM-L6-v2")
    }()

    /// `$ZOOTER_SHARED_DIR`, else `<package root>/../shared`.
    static let sharedDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["ZOOTER_SHARED_DIR"], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }()

    static var goldenDirectory: URL { sharedDirectory.appendingPathComponent("golden/minilm") }

    /// Tests needing the model are skipped (with this reason) only when the folder is absent.
    static var modelAvailable: Bool {
        FileManager.default.fileExists(atPath: modelDirectory.appendingPathComponent("model.safetensors").path)
    }

    /// The development datasets (`../shared/data`); tests of them are skipped, and say so, without it.
    static var sharedDataAvailable: Bool {
        FileManager.default.fileExists(atPath: sharedDirectory.appendingPathComponent("data/mmlu-pro-8/routing.jsonl").path)
    }

    static var goldenAvailable: Bool {
        FileManager.default.fileExists(atPath: goldenDirectory.appendingPathComponent("tokens.jsonl").path)
    }

    /// One encoder for all tests (loading hashes and packs ~90 MB).
    static let encoder: TextEncoder? = modelAvailable ? try? TextEncoder(modelDirectory: modelDirectory, threads: 2) : nil

    struct GoldenText: Decodable {
        var id: Int
        var text: String
    }

    struct GoldenTokens: Decodable {
        var ids: [Int32]
        var idsUntruncated: [Int32]

        enum CodingKeys: String, CodingKey {
            case ids
            case idsUntruncated = "ids_untruncated"
        }
    }

    static func jsonLines<T: Decodable>(_ name: String, as type: T.Type) throws -> [T] {
        let text = try String(contentsOf: goldenDirectory.appendingPathComponent(name), encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(T.self, from: Data($0.utf8)) }
    }

    static func goldenTexts() throws -> [GoldenText] { try jsonLines("texts.jsonl", as: GoldenText.self) }
    static func goldenTokens() throws -> [GoldenTokens] { try jsonLines("tokens.jsonl", as: GoldenTokens.self) }

    /// Little-endian float32 file as `[Float]`.
    static func floats(_ name: String) throws -> [Float] {
        let data = try Data(contentsOf: goldenDirectory.appendingPathComponent(name))
        var values = [Float](repeating: 0, count: data.count / 4)
        Conversion.decode(data, byteOffset: 0, count: values.count, encoding: .float32, into: &values)
        return values
    }

    /// Deterministic pseudo-random floats in [-1, 1) (SplitMix64), for kernel tests.
    static func randomFloats(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            return Float(z >> 40) / Float(1 << 23) - 1
        }
    }

    /// Max |a − b| over two equal-length vectors.
    static func maxAbsDifference(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Float {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Cosine in Double after normalising both vectors (golden README's recommended gate).
    static func cosine(_ a: some Collection<Float>, _ b: some Collection<Float>) -> Double {
        let x = a.map(Double.init), y = b.map(Double.init)
        let nx = x.reduce(0) { $0 + $1 * $1 }.squareRoot(), ny = y.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return zip(x, y).reduce(0) { $0 + ($1.0 / nx) * ($1.1 / ny) }
    }
}
