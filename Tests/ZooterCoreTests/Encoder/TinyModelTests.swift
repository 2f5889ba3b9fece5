import Foundation
import Testing
@testable import ZooterCore

/// A tiny synthetic BERT folder written at test time (hidden 16, 2 heads, 1 layer, 12-token
/// vocabulary, `bert.`-prefixed names, F32/F16/BF16 weights): exercises "any BERT-family folder",
/// name mapping and dtype conversion without the real model.
@Suite("Tiny synthetic BERT")
struct TinyModelTests {
    static let hidden = 16, intermediate = 32, vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", "a", "b", ",", "!"]

    enum DType: String { case f32 = "F32", f16 = "F16", bf16 = "BF16" }

    /// Tensor name (without prefix) → shape.
    static var shapes: [(String, [Int])] {
        let h = hidden, i = intermediate
        var list: [(String, [Int])] = [
            ("embeddings.word_embeddings.weight", [vocabulary.count, h]), ("embeddings.position_embeddings.weight", [8, h]),
            ("embeddings.token_type_embeddings.weight", [2, h]), ("embeddings.LayerNorm.weight", [h]), ("embeddings.LayerNorm.bias", [h]),
        ]
        for (name, out, input) in [("attention.self.query", h, h), ("attention.self.key", h, h), ("attention.self.value", h, h),
                                   ("attention.output.dense", h, h), ("intermediate.dense", i, h), ("output.dense", h, i)] {
            list += [("encoder.layer.0.\(name).weight", [out, input]), ("encoder.layer.0.\(name).bias", [out])]
        }
        for norm in ["attention.output.LayerNorm", "output.LayerNorm"] {
            list += [("encoder.layer.0.\(norm).weight", [h]), ("encoder.layer.0.\(norm).bias", [h])]
        }
        return list
    }

    static func encode(_ value: Float, _ dtype: DType) -> [UInt8] {
        switch dtype {
        case .f32: return (0..<4).map { UInt8(truncatingIfNeeded: value.bitPattern >> (8 * UInt32($0))) }
        case .f16: let bits = Float16(value).bitPattern; return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
        case .bf16: let bits = UInt16(value.bitPattern >> 16); return [UInt8(bits & 0xFF), UInt8(bits >> 8)]
        }
    }

    /// Writes the folder; weights are exactly representable in BF16 (so all dtypes agree).
    static func makeFolder(dtype: DType, omit: String? = nil) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-tiny-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        let config = """
        {"hidden_size": \(hidden), "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": \(intermediate),
         "max_position_embeddings": 8, "vocab_size": \(vocabulary.count), "type_vocab_size": 2, "layer_norm_eps": 1e-12,
         "hidden_act": "gelu", "model_type": "bert"}
        """
        try Data(config.utf8).write(to: directory.appendingPathComponent("config.json"))
        try Data((vocabulary.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent("vocab.txt"))
        try Data(#"{"pooling_mode_mean_tokens": true, "word_embedding_dimension": \#(hidden)}"#.utf8)
            .write(to: directory.appendingPathComponent("1_Pooling/config.json"))
        var header: [String] = []
        var body: [UInt8] = []
        for (index, (name, shape)) in shapes.enumerated() where name != omit {
            let count = shape.reduce(1, *)
            let values = TestSupport.randomFloats(count, seed: UInt64(index + 100)).map { v -> Float in
                let scaled = name.hasSuffix("LayerNorm.weight") ? 1 + v * 0.25 : v * 0.5
                return Float(bitPattern: scaled.bitPattern & 0xFFFF_0000)  // BF16-exact
            }
            let bytes = values.flatMap { encode($0, dtype) }
            header.append("\"bert.\(name)\":{\"dtype\":\"\(dtype.rawValue)\",\"shape\":\(shape),\"data_offsets\":[\(body.count),\(body.count + bytes.count)]}")
            body += bytes
        }
        let json = Array(("{" + header.joined(separator: ",") + "}").utf8)
        let length = UInt64(json.count)
        let file = (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) } + json + body
        try Data(file).write(to: directory.appendingPathComponent("model.safetensors"))
        return directory
    }

    @Test func allDTypesLoadAndAgree() throws {
        var results: [Matrix] = []
        for dtype in [DType.f32, .f16, .bf16] {
            let folder = try Self.makeFolder(dtype: dtype)
            defer { try? FileManager.default.removeItem(at: folder) }
            let encoder = try TextEncoder(modelDirectory: folder, threads: 2)
            #expect(encoder.dimension == Self.hidden)
            #expect(encoder.maxSequenceLength == 8)
            #expect(encoder.tokenize("Hello worlds, a b!") == [2, 5, 6, 7, 10, 8, 9, 3])  // "!" truncated (limit 8)
            results.append(try encoder.embed(["hello world", "a", "hello, world! a b a b a b"]))
        }
        // F16 rounding of BF16-exact values with |v| < 1.25 is exact, so all three must agree.
        #expect(TestSupport.maxAbsDifference(results[0].values, results[1].values) <= 1e-6)
        #expect(TestSupport.maxAbsDifference(results[0].values, results[2].values) <= 1e-6)
        for row in 0..<3 {
            let norm = results[0].row(row).reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }

    @Test func missingTensorNamesFileAndTensor() throws {
        let folder = try Self.makeFolder(dtype: .f32, omit: "encoder.layer.0.output.dense.weight")
        defer { try? FileManager.default.removeItem(at: folder) }
        let error = #expect(throws: CoreError.self) { _ = try TextEncoder(modelDirectory: folder) }
        #expect(error?.modelFileProblem?.path == "model.safetensors")
        #expect(error?.modelFileProblem?.message == "missing tensor 'bert.encoder.layer.0.output.dense.weight'")
    }
}
