/// A problem found while reading a routing dataset. The message names the file, the line (1-based,
/// when the problem belongs to one line) and what to fix.
public struct DatasetProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case fileUnreadable
        case invalidJSON
        case missingField
        case invalidField
        case duplicateID
        case unknownModel
        case missingReward
        case nonFiniteReward
        case noRewardsOrResponses
        case invalidModelList
        case empty
    }

    public var code: Code
    /// Path of the offending file.
    public var file: String
    /// 1-based line number, or nil when the problem concerns the whole file.
    public var line: Int?
    public var message: String
    /// The error of a lower layer that caused it (a failed read), if any; not compared by `==`.
    public var cause: (any Error & Sendable)?

    public init(code: Code, file: String, line: Int? = nil, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
        self.cause = cause
    }

    public static func == (lhs: DatasetProblem, rhs: DatasetProblem) -> Bool {
        lhs.code == rhs.code && lhs.file == rhs.file && lhs.line == rhs.line && lhs.message == rhs.message
    }

    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
