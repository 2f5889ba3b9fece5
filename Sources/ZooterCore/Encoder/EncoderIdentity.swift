/// Which weights produced an embedding: artifacts trained on one encoder must not be served
/// with another (LoadModel answers FAILED_PRECONDITION).
public struct EncoderIdentity: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The model folder's name, e.g. `all-MiniLM-L6-v2`.
    public var name: String
    /// Lowercase hex SHA-256 of `model.safetensors`.
    public var weightsSHA256: String

    public init(name: String, weightsSHA256: String) {
        self.name = name
        self.weightsSHA256 = weightsSHA256
    }

    public var description: String { "\(name)@sha256:\(weightsSHA256)" }
}
