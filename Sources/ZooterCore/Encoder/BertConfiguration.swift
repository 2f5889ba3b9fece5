public import Foundation

/// `config.json` of a Hugging Face BERT-family checkpoint (the fields the encoder uses).
public struct BertConfiguration: Decodable, Sendable {
    public var hiddenSize: Int
    public var layerCount: Int
    public var headCount: Int
    public var intermediateSize: Int
    public var maxPositionEmbeddings: Int
    public var vocabularySize: Int
    public var typeVocabularySize: Int
    public var layerNormEpsilon: Double
    public var hiddenActivation: String
    public var positionEmbeddingType: String?
    public var modelType: String?

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case layerCount = "num_hidden_layers"
        case headCount = "num_attention_heads"
        case intermediateSize = "intermediate_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case vocabularySize = "vocab_size"
        case typeVocabularySize = "type_vocab_size"
        case layerNormEpsilon = "layer_norm_eps"
        case hiddenActivation = "hidden_act"
        case positionEmbeddingType = "position_embedding_type"
        case modelType = "model_type"
    }

    /// Reads and checks `config.json` of a model folder.
    public init(modelDirectory: URL) throws {
        self = try ModelFolder.decode(BertConfiguration.self, at: modelDirectory.appendingPathComponent("config.json"), name: "config.json")
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        layerCount = try c.decode(Int.self, forKey: .layerCount)
        headCount = try c.decode(Int.self, forKey: .headCount)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        maxPositionEmbeddings = try c.decode(Int.self, forKey: .maxPositionEmbeddings)
        vocabularySize = try c.decode(Int.self, forKey: .vocabularySize)
        typeVocabularySize = try c.decodeIfPresent(Int.self, forKey: .typeVocabularySize) ?? 2
        layerNormEpsilon = try c.decodeIfPresent(Double.self, forKey: .layerNormEpsilon) ?? 1e-12
        hiddenActivation = try c.decodeIfPresent(String.self, forKey: .hiddenActivation) ?? "gelu"
        positionEmbeddingType = try c.decodeIfPresent(String.self, forKey: .positionEmbeddingType)
        modelType = try c.decodeIfPresent(String.self, forKey: .modelType)
    }

    public var headDimension: Int { hiddenSize / headCount }

    /// Rejects configurations this encoder cannot run, naming the field.
    func validate() throws {
        func fail(_ problem: String) -> CoreError { .modelFile(FileProblem(path: "config.json", message: problem)) }
        for (name, value) in [("hidden_size", hiddenSize), ("num_hidden_layers", layerCount),
                              ("num_attention_heads", headCount), ("intermediate_size", intermediateSize),
                              ("max_position_embeddings", maxPositionEmbeddings), ("vocab_size", vocabularySize),
                              ("type_vocab_size", typeVocabularySize)] where value <= 0 {
            throw fail("\(name) must be positive, got \(value)")
        }
        guard hiddenSize % headCount == 0 else {
            throw fail("hidden_size \(hiddenSize) is not divisible by num_attention_heads \(headCount)")
        }
        guard hiddenActivation == "gelu" else {
            throw fail("hidden_act '\(hiddenActivation)' is not supported (only the exact erf 'gelu')")
        }
        if let positionEmbeddingType, positionEmbeddingType != "absolute" {
            throw fail("position_embedding_type '\(positionEmbeddingType)' is not supported (only 'absolute')")
        }
        guard layerNormEpsilon > 0, layerNormEpsilon < 1 else {
            throw fail("layer_norm_eps \(layerNormEpsilon) is out of range")
        }
    }
}

/// `1_Pooling/config.json` of a sentence-transformers model.
struct PoolingConfiguration: Decodable {
    var dimension: Int?
    var meanTokens: Bool?
    var clsToken: Bool?
    var maxTokens: Bool?
    var meanSqrtLengthTokens: Bool?

    enum CodingKeys: String, CodingKey {
        case dimension = "word_embedding_dimension"
        case meanTokens = "pooling_mode_mean_tokens"
        case clsToken = "pooling_mode_cls_token"
        case maxTokens = "pooling_mode_max_tokens"
        case meanSqrtLengthTokens = "pooling_mode_mean_sqrt_len_tokens"
    }
}

/// `sentence_bert_config.json`: the sequence limit sentence-transformers applies (it overrides
/// `tokenizer.json`'s own truncation/padding).
struct SentenceBertConfiguration: Decodable {
    var maxSequenceLength: Int?

    enum CodingKeys: String, CodingKey {
        case maxSequenceLength = "max_seq_length"
    }
}
