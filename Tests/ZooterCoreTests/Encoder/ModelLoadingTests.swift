import Foundation
import Testing
@testable import ZooterCore

/// Loading broken copies of the real model folder (built in a temp dir at test time: symlinks
/// to the real files, with one file removed, truncated or rewritten). Each error must name the
/// file and the problem.
@Suite("Model folder loading", .enabled(if: TestSupport.modelAvailable, "model folder absent"))
struct ModelLoadingTests {
    static let files = ["config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "model.safetensors",
                        "sentence_bert_config.json", "1_Pooling/config.json", "special_tokens_map.json"]

    enum Change {
        case remove
        case replace(Data)
    }

    /// A model folder copy with `changes` applied; other files are symlinks to the real ones.
    static func folder(_ replacements: [String: Change]) throws -> URL {
        let fm = FileManager.default
        let directory = fm.temporaryDirectory.appendingPathComponent("zooter-model-\(UUID().uuidString)")
        try fm.createDirectory(at: directory.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        for file in files {
            let target = directory.appendingPathComponent(file)
            switch replacements[file] {
            case .remove?: break
            case .replace(let data)?: try data.write(to: target)
            case nil:
                try fm.createSymbolicLink(at: target, withDestinationURL: TestSupport.modelDirectory.appendingPathComponent(file))
            }
        }
        return directory
    }

    static func original(_ file: String) throws -> Data {
        try Data(contentsOf: TestSupport.modelDirectory.appendingPathComponent(file))
    }

    static func expectError(_ replacements: [String: Change], file: String, mentions words: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = try folder(replacements)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: CoreError.self, sourceLocation: sourceLocation) {
            _ = try TextEncoder(modelDirectory: url, threads: 1)
        }
        #expect(error?.modelFileProblem?.path == file, "error \(error.map(String.init(describing:)) ?? "none") should name \(file)", sourceLocation: sourceLocation)
        for word in words {
            #expect(error?.modelFileProblem?.message.contains(word) == true, "'\(error?.modelFileProblem?.message ?? "")' should mention '\(word)'", sourceLocation: sourceLocation)
        }
    }

    @Test func missingConfig() throws {
        try Self.expectError(["config.json": .remove], file: "config.json", mentions: ["not found"])
    }

    @Test func missingVocabularyEverywhere() throws {
        try Self.expectError(["vocab.txt": .remove, "tokenizer.json": .remove], file: "vocab.txt", mentions: ["not found"])
    }

    @Test func missingSafetensors() throws {
        try Self.expectError(["model.safetensors": .remove], file: "model.safetensors", mentions: ["not found"])
    }

    @Test func truncatedSafetensors() throws {
        let prefix = try Self.original("model.safetensors").prefix(20_000_000)
        try Self.expectError(["model.safetensors": .replace(Data(prefix))], file: "model.safetensors", mentions: ["out of range"])
    }

    @Test func configInconsistentWithWeights() throws {
        var json = try #require(try JSONSerialization.jsonObject(with: Self.original("config.json")) as? [String: Any])
        json["intermediate_size"] = 1024
        let data = try JSONSerialization.data(withJSONObject: json)
        try Self.expectError(["config.json": .replace(data)], file: "model.safetensors", mentions: ["shape", "expected [1024, 384]"])
    }

    @Test func unsupportedActivation() throws {
        var json = try #require(try JSONSerialization.jsonObject(with: Self.original("config.json")) as? [String: Any])
        json["hidden_act"] = "gelu_new"
        try Self.expectError(["config.json": .replace(try JSONSerialization.data(withJSONObject: json))],
                             file: "config.json", mentions: ["hidden_act"])
    }

    @Test func configMissingField() throws {
        var json = try #require(try JSONSerialization.jsonObject(with: Self.original("config.json")) as? [String: Any])
        json.removeValue(forKey: "num_attention_heads")
        try Self.expectError(["config.json": .replace(try JSONSerialization.data(withJSONObject: json))],
                             file: "config.json", mentions: ["num_attention_heads"])
    }

    @Test func nonMeanPoolingRejected() throws {
        let pooling = Data(#"{"word_embedding_dimension": 384, "pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}"#.utf8)
        try Self.expectError(["1_Pooling/config.json": .replace(pooling)], file: "1_Pooling/config.json", mentions: ["mean pooling"])
    }

    @Test func missingPoolingConfig() throws {
        try Self.expectError(["1_Pooling/config.json": .remove], file: "1_Pooling/config.json", mentions: ["not found"])
    }

    /// Without vocab.txt the vocabulary comes from tokenizer.json's model.vocab; ids identical.
    @Test func vocabularyFromTokenizerJSON() throws {
        let url = try Self.folder(["vocab.txt": .remove])
        defer { try? FileManager.default.removeItem(at: url) }
        let encoder = try TextEncoder(modelDirectory: url, threads: 1)
        #expect(encoder.tokenize("The café in Zürich serves naïve crème brûlée!")
                == [101, 1996, 7668, 1999, 10204, 4240, 15743, 13675, 21382, 7987, 9307, 2063, 999, 102])
        #expect(encoder.maxSequenceLength == 256)
    }
}
