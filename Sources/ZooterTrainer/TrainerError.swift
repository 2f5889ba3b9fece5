/// A trainer failure with a message that says what to fix.
public struct TrainerError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
