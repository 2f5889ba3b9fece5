/// The one place that maps model components to safetensors tensor names.
///
/// Hugging Face BERT checkpoints name tensors `embeddings.*` / `encoder.layer.N.*` (saved from
/// `BertModel`) or with a `bert.` prefix (saved from `BertFor…` heads); old TF-converted ones use
/// `LayerNorm.gamma/beta` instead of `weight/bias`. `pooler.*`, `embeddings.position_ids` and any
/// head weights are ignored.
struct CheckpointNames {
    let prefix: String

    init(tensorNames: some Collection<String>) {
        let names = Set(tensorNames)
        prefix = ["", "bert.", "model."].first { names.contains($0 + "embeddings.word_embeddings.weight") } ?? ""
        useGammaBeta = !names.contains(prefix + "embeddings.LayerNorm.weight")
            && names.contains(prefix + "embeddings.LayerNorm.gamma")
    }

    private let useGammaBeta: Bool

    var wordEmbeddings: String { prefix + "embeddings.word_embeddings.weight" }
    var positionEmbeddings: String { prefix + "embeddings.position_embeddings.weight" }
    var tokenTypeEmbeddings: String { prefix + "embeddings.token_type_embeddings.weight" }
    var embeddingNorm: (weight: String, bias: String) { norm(prefix + "embeddings.LayerNorm") }

    /// Names of encoder layer `index` (Linear weights are `[out][in]`).
    struct Layer {
        var query, key, value, attentionOutput, intermediate, output: (weight: String, bias: String)
        var attentionNorm, outputNorm: (weight: String, bias: String)
    }

    func layer(_ index: Int) -> Layer {
        let base = "\(prefix)encoder.layer.\(index)."
        func linear(_ name: String) -> (weight: String, bias: String) { (base + name + ".weight", base + name + ".bias") }
        return Layer(
            query: linear("attention.self.query"),
            key: linear("attention.self.key"),
            value: linear("attention.self.value"),
            attentionOutput: linear("attention.output.dense"),
            intermediate: linear("intermediate.dense"),
            output: linear("output.dense"),
            attentionNorm: norm(base + "attention.output.LayerNorm"),
            outputNorm: norm(base + "output.LayerNorm"))
    }

    private func norm(_ base: String) -> (weight: String, bias: String) {
        useGammaBeta ? (base + ".gamma", base + ".beta") : (base + ".weight", base + ".bias")
    }
}
