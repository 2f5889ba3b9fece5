public import Foundation

/// A trainable copy of a BERT encoder's parameters: every tensor the forward pass uses, as a
/// plain Float32 array under its checkpoint name (Linear weights `[out][in]`, as in
/// `model.safetensors`), so gradients and a fine-tuned encoder keep the checkpoint's names.
/// Unlike `BertWeights` (packed for the serving GEMM, embedding rows left in the mapped file)
/// everything is resident: about 90 MB for MiniLM-L6.
public struct EncoderParameters: Sendable {
    public let configuration: BertConfiguration
    let names: CheckpointNames
    /// Checkpoint name → values, row-major.
    public var tensors: [String: [Float]]
    /// Checkpoint name → shape.
    public let shapes: [String: [Int]]

    /// Loads `config.json` and `model.safetensors` of a model folder (the pooler and any head are left out).
    public init(modelDirectory: URL) throws {
        let configuration = try BertConfiguration(modelDirectory: modelDirectory)
        let file = try SafeTensorsFile(url: modelDirectory.appendingPathComponent("model.safetensors"))
        let names = CheckpointNames(tensorNames: file.tensors.keys)
        let h = configuration.hiddenSize, i = configuration.intermediateSize
        var shapes: [String: [Int]] = [
            names.wordEmbeddings: [configuration.vocabularySize, h],
            names.positionEmbeddings: [configuration.maxPositionEmbeddings, h],
            names.tokenTypeEmbeddings: [configuration.typeVocabularySize, h],
            names.embeddingNorm.weight: [h], names.embeddingNorm.bias: [h],
        ]
        for index in 0..<configuration.layerCount {
            let n = names.layer(index)
            for (pair, out, inputs) in [(n.query, h, h), (n.key, h, h), (n.value, h, h), (n.attentionOutput, h, h),
                                        (n.intermediate, i, h), (n.output, h, i)] {
                shapes[pair.weight] = [out, inputs]
                shapes[pair.bias] = [out]
            }
            for pair in [n.attentionNorm, n.outputNorm] {
                shapes[pair.weight] = [h]
                shapes[pair.bias] = [h]
            }
        }
        var tensors: [String: [Float]] = [:]
        for (name, shape) in shapes { tensors[name] = try file.floats(name, shape: shape) }
        self.configuration = configuration
        self.names = names
        self.tensors = tensors
        self.shapes = shapes
    }

    /// Zeros of every tensor's shape: a gradient accumulator.
    func zeros() -> [String: [Float]] {
        tensors.mapValues { [Float](repeating: 0, count: $0.count) }
    }
}
