public import Foundation

/// A sentence encoder for BERT-family sentence-transformers models (e.g. all-MiniLM-L6-v2):
/// text → token ids → transformer → mean pooling → L2-normalised `[dimension]` vector.
///
/// Immutable after `init` and safe to share; `embed` is synchronous and CPU-bound (it uses up to
/// `threads` cores), so services should call it from a bounded compute pool, not an event loop.
public final class TextEncoder: Sendable {
    /// Name and weights hash of the loaded model.
    public let identity: EncoderIdentity
    /// Token limit per text, including `[CLS]` and `[SEP]` (256 for all-MiniLM-L6-v2).
    public let maxSequenceLength: Int
    /// Worker threads per `embed` call.
    public let threads: Int
    /// Wall-clock seconds `init` took (reading, hashing and packing the weights).
    public let loadSeconds: Double
    /// Sequences are processed in groups of at most this many tokens, bounding activation memory
    /// (≈ 15 KB per token for MiniLM) while keeping GEMMs large.
    let tokenBudget = 2048
    /// Activation buffers between calls: one per concurrent caller, up to two kept (~28 MB each
    /// for MiniLM at the token budget).
    let workspaces = WorkspacePool(limit: 2)

    let weights: BertWeights
    let tokenizer: BertTokenizer

    /// Embedding width (`hidden_size`).
    public var dimension: Int { weights.configuration.hiddenSize }

    /// Loads a Hugging Face model folder (`config.json`, `vocab.txt` or `tokenizer.json`,
    /// `model.safetensors`, `1_Pooling/config.json`, optional `sentence_bert_config.json`).
    /// Throws `CoreError.modelFile` naming the file and problem.
    public init(modelDirectory: URL, threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws {
        let start = ContinuousClock.now
        let configuration = try BertConfiguration(modelDirectory: modelDirectory)
        try ModelFolder.checkPooling(folder: modelDirectory, hiddenSize: configuration.hiddenSize)
        let limit = try ModelFolder.maxSequenceLength(folder: modelDirectory, maxPositions: configuration.maxPositionEmbeddings)
        let tokenizer = try BertTokenizer.load(folder: modelDirectory)
        let largestID = max(tokenizer.wordPiece.vocabulary.values.max() ?? 0, tokenizer.classifierID, tokenizer.separatorID)
        guard Int(largestID) < configuration.vocabularySize else {
            throw CoreError.modelFile(FileProblem(path: "vocab.txt", message: "token id \(largestID) is outside vocab_size \(configuration.vocabularySize) of config.json"))
        }

        let weightsURL = modelDirectory.appendingPathComponent("model.safetensors")
        // Two mappings of the same file: the first is hashed and packed from, then released, so
        // its pages stop counting as resident; the second serves embedding rows on demand.
        let (weights, digest) = try {
            let loadFile = try SafeTensorsFile(url: weightsURL)
            let digest = SHA256.hex(loadFile.data)
            let resident = try SafeTensorsFile(url: weightsURL)
            guard resident.data.count == loadFile.data.count else {
                throw CoreError.modelFile(FileProblem(path: "model.safetensors", message: "changed while it was being loaded"))
            }
            return (try BertWeights(configuration: configuration, loadFile: loadFile, residentFile: resident), digest)
        }()
        self.weights = weights
        self.tokenizer = tokenizer
        self.maxSequenceLength = limit
        self.threads = max(1, threads)
        self.identity = EncoderIdentity(name: modelDirectory.standardizedFileURL.lastPathComponent, weightsSHA256: digest)
        let elapsed = ContinuousClock.now - start
        self.loadSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
