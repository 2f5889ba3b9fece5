/// A model folder could not be loaded. `file` names the offending file (relative to the model
/// folder where possible) and `problem` says what is wrong with it, e.g.
/// `model.safetensors: header length 4096 runs past the end of the file (1200 bytes)`.
public struct EncoderLoadError: Error, CustomStringConvertible, Sendable {
    public var file: String
    public var problem: String

    public init(file: String, problem: String) {
        self.file = file
        self.problem = problem
    }

    public var description: String { "\(file): \(problem)" }
}

/// An encode call was given input the model cannot run (bad token ids, over-long sequences).
public struct EncoderError: Error, CustomStringConvertible, Sendable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
