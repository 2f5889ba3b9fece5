import Foundation

/// LayerNorm parameters, `gamma` and `beta` both `[hidden]`.
struct LayerNormWeights: Sendable {
    var gamma: [Float]
    var beta: [Float]
}

/// One transformer layer, with every Linear prepacked for the GEMM kernel.
struct EncoderLayerWeights: Sendable {
    /// Fused Q, K, V projection: `[H] → [3H]` (Q columns first, then K, then V).
    var queryKeyValue: PackedMatrix
    /// Attention output projection `[H] → [H]`.
    var attentionOutput: PackedMatrix
    var attentionNorm: LayerNormWeights
    /// FFN up-projection `[H] → [I]` (GELU fused in the GEMM epilogue).
    var intermediate: PackedMatrix
    /// FFN down-projection `[I] → [H]`.
    var output: PackedMatrix
    var outputNorm: LayerNormWeights
}

/// All weights of a BERT encoder, immutable after load and shared across threads.
///
/// Memory: the Linear weights are converted to Float32 and packed once (≈ 42 MB for MiniLM-L6);
/// the word-embedding table (≈ 47 MB) is *not* copied: rows are decoded on demand from a
/// memory-mapped view of `model.safetensors` (`EmbeddingTable`), so only pages of used rows
/// become resident.
final class BertWeights: Sendable {
    let configuration: BertConfiguration
    let wordEmbeddings: EmbeddingTable
    /// `[maxPositions][H]`.
    let positionEmbeddings: [Float]
    /// Token type 0 row, `[H]` (sentence embedding inputs are single segments).
    let tokenTypeEmbedding: [Float]
    let embeddingNorm: LayerNormWeights
    let layers: [EncoderLayerWeights]

    /// Loads and packs from `loadFile` (a mapping dropped after load) and keeps `residentFile`
    /// (a second mapping of the same file) for embedding-row lookups.
    init(configuration config: BertConfiguration, loadFile file: SafeTensorsFile,
         residentFile: SafeTensorsFile) throws {
        let names = CheckpointNames(tensorNames: file.tensors.keys)
        let h = config.hiddenSize, i = config.intermediateSize
        func vector(_ name: String, _ count: Int) throws -> [Float] { try file.floats(name, shape: [count]) }
        func norm(_ pair: (weight: String, bias: String)) throws -> LayerNormWeights {
            LayerNormWeights(gamma: try vector(pair.weight, h), beta: try vector(pair.bias, h))
        }
        func linear(_ pair: (weight: String, bias: String), out: Int, in inputs: Int) throws -> PackedMatrix {
            PackedMatrix(linearWeight: try file.floats(pair.weight, shape: [out, inputs]),
                         outFeatures: out, inFeatures: inputs, bias: try vector(pair.bias, out))
        }

        self.configuration = config
        let wordTensor = try residentFile.tensor(names.wordEmbeddings)
        guard wordTensor.shape == [config.vocabularySize, h] else {
            throw CoreError.modelFile(FileProblem(path: file.fileName, message: "tensor '\(wordTensor.name)' has shape \(wordTensor.shape), expected [\(config.vocabularySize), \(h)] from config.json"))
        }
        wordEmbeddings = EmbeddingTable(
            data: residentFile.data, byteOffset: wordTensor.bytes.lowerBound, rows: config.vocabularySize,
            columns: h, encoding: try residentFile.floatEncoding(of: wordTensor))
        positionEmbeddings = try file.floats(names.positionEmbeddings, shape: [config.maxPositionEmbeddings, h])
        tokenTypeEmbedding = Array(try file.floats(names.tokenTypeEmbeddings, shape: [config.typeVocabularySize, h])[0..<h])
        embeddingNorm = try norm(names.embeddingNorm)

        layers = try (0..<config.layerCount).map { index in
            let n = names.layer(index)
            let q = try file.floats(n.query.weight, shape: [h, h])
            let k = try file.floats(n.key.weight, shape: [h, h])
            let v = try file.floats(n.value.weight, shape: [h, h])
            let bias = try vector(n.query.bias, h) + vector(n.key.bias, h) + vector(n.value.bias, h)
            return EncoderLayerWeights(
                queryKeyValue: PackedMatrix(linearWeight: q + k + v, outFeatures: 3 * h, inFeatures: h, bias: bias),
                attentionOutput: try linear(n.attentionOutput, out: h, in: h),
                attentionNorm: try norm(n.attentionNorm),
                intermediate: try linear(n.intermediate, out: i, in: h),
                output: try linear(n.output, out: h, in: i),
                outputNorm: try norm(n.outputNorm))
        }
    }
}

/// A `[rows][columns]` float table read straight from a memory-mapped file.
struct EmbeddingTable: Sendable {
    let data: Data
    let byteOffset: Int
    let rows: Int
    let columns: Int
    let encoding: FloatEncoding

    /// Copies row `row` (Float32) into `output[offset ..< offset + columns]`.
    func copyRow(_ row: Int, into output: inout [Float], at offset: Int) {
        precondition(row >= 0 && row < rows, "embedding row out of range")
        Conversion.decode(
            data, byteOffset: byteOffset + row * columns * encoding.byteWidth, count: columns,
            encoding: encoding, into: &output, at: offset)
    }
}
