/// Every error ZooterCore throws: one type, with a case per kind of input that can be wrong, so a
/// caller matches the case it handles (`catch CoreError.dataset(let problem)`) and prints the
/// rest. Each case's payload says where (file, line, tensor) and what to fix; an underlying error
/// from another layer (a failed read) is kept in `cause`, not flattened into the text.
public enum CoreError: Error, Sendable, CustomStringConvertible {
    /// A routing dataset file: which file, which line, what to fix.
    case dataset(DatasetProblem)
    /// A file of a model folder (encoder weights, config, vocabulary, centroids) cannot be
    /// loaded; `path` names it relative to the folder where possible, e.g. `model.safetensors:
    /// header length 4096 runs past the end of the file (1200 bytes)`.
    case modelFile(FileProblem)
    /// Input the encoder cannot run (an empty sequence, one over the maximum length, an unknown id).
    case encoderInput(String)
    /// An evaluation cannot run on this data or configuration.
    case evaluation(EvaluationProblem)
    /// The embedding cache cannot be read or written.
    case embeddingCache(FileProblem)
    /// A head or reward-model weights file cannot be read, decoded or written.
    case headWeights(FileProblem)

    public var description: String {
        switch self {
        case .dataset(let problem): return problem.description
        case .encoderInput(let message): return message
        case .evaluation(let problem): return problem.description
        case .modelFile(let problem), .embeddingCache(let problem), .headWeights(let problem): return problem.description
        }
    }
}

/// A file that cannot be used: which one, what is wrong with it, and the lower layer's error.
public struct FileProblem: Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    /// The error that caused it (a failed read or write, a malformed embedded file), if any.
    public var cause: (any Error & Sendable)?

    public init(path: String, message: String, cause: (any Error & Sendable)? = nil) {
        self.path = path
        self.message = message
        self.cause = cause
    }

    public var description: String { "\(path): \(message)" }
}

extension CoreError {
    /// The payload of each case, for callers and tests that look at one kind (nil for the others).
    public var datasetProblem: DatasetProblem? { if case .dataset(let problem) = self { problem } else { nil } }
    public var modelFileProblem: FileProblem? { if case .modelFile(let problem) = self { problem } else { nil } }
    public var evaluationProblem: EvaluationProblem? { if case .evaluation(let problem) = self { problem } else { nil } }
    /// The problem of an embedding-cache or weights file.
    public var fileProblem: FileProblem? {
        switch self {
        case .embeddingCache(let problem), .headWeights(let problem): problem
        default: nil
        }
    }
}
