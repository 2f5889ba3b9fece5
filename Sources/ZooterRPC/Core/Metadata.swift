/// gRPC custom metadata: ordered name/value pairs. Names are lower-case; names ending in `-bin`
/// carry binary values, base64-encoded on the wire.
public struct Metadata: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        case text(String)
        case binary([UInt8])
    }

    public private(set) var entries: [(name: String, value: Value)] = []

    public init() {}

    public mutating func add(_ name: String, _ value: String) {
        entries.append((name.lowercased(), .text(value)))
    }

    public mutating func add(_ name: String, binary value: [UInt8]) {
        entries.append((name.lowercased(), .binary(value)))
    }

    /// The first text value named `name`.
    public subscript(name: String) -> String? {
        for entry in entries where entry.name == name {
            if case .text(let value) = entry.value { return value }
        }
        return nil
    }

    /// The first binary value named `name` (which must end in `-bin`).
    public func binary(_ name: String) -> [UInt8]? {
        for entry in entries where entry.name == name {
            if case .binary(let value) = entry.value { return value }
        }
        return nil
    }

    public var isEmpty: Bool { entries.isEmpty }

    public static func == (lhs: Metadata, rhs: Metadata) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}
