public import Foundation

/// A fine-tuned encoder written as a model folder that `TextEncoder` loads like any other: the
/// base folder's configuration and tokenizer files, and the fine-tuned weights as
/// `model.safetensors` (F32, the checkpoint's tensor names). The weights file's SHA-256 is the
/// encoder's identity, as for every encoder.
public enum FineTunedModelFolder {
    /// What describes the model and its tokenizer: everything of a sentence-transformers folder
    /// except the weights (copied when present).
    static let describingFiles = [
        "config.json", "vocab.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "sentence_bert_config.json", "modules.json", "config_sentence_transformers.json", "1_Pooling/config.json",
    ]

    /// `parameters` as the bytes of a `model.safetensors` (tensors sorted by name: equal weights
    /// give equal bytes, so equal identities).
    public static func weights(_ parameters: EncoderParameters) -> Data {
        var writer = SafeTensorsWriter(metadata: ["format": "pt", "zooter": "fine-tuned encoder"])
        for name in parameters.tensors.keys.sorted() {
            writer.add(name, shape: parameters.shapes[name]!, values: parameters.tensors[name]![...])
        }
        return writer.data
    }

    /// Writes `weights` as `model.safetensors` into `folder` (created) with copies of `base`'s
    /// describing files.
    public static func write(weights: Data, base: URL, to folder: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: folder.appendingPathComponent("1_Pooling"), withIntermediateDirectories: true)
        for name in describingFiles where fm.fileExists(atPath: base.appendingPathComponent(name).path) {
            let target = folder.appendingPathComponent(name)
            try? fm.removeItem(at: target)
            try fm.copyItem(at: base.appendingPathComponent(name), to: target)
        }
        try weights.write(to: folder.appendingPathComponent("model.safetensors"), options: .atomic)
    }
}
