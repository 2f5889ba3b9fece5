/// A protobuf message as a Swift value: decoded from and encoded to the protobuf binary
/// wire format (through protobuf-c; no C type is visible to callers).
///
/// Decoding follows proto3 rules: unknown fields are skipped (forward compatibility), a
/// repeated key in a map keeps the last value, unknown enum numbers are kept as
/// `.unrecognized(n)`. Unlike plain protobuf-c, every string field is checked to be
/// valid UTF-8. Strings cannot carry U+0000: protobuf-c ends them at the first NUL byte.
public protocol WireMessage: Sendable {
    /// Decodes protobuf bytes; throws WireError on malformed input or invalid UTF-8 in string fields.
    init(wireBytes: [UInt8]) throws(WireError)
    /// Encodes to protobuf bytes.
    func wireBytes() -> [UInt8]
}

/// Why bytes could not be decoded into a message.
public struct WireError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Kind of failure. A struct rather than an enum so that codes can be added later
    /// without breaking exhaustive switches.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Wrapped: Hashable, Sendable {
            case malformed, invalidUTF8, tooExpensive
        }

        private let wrapped: Wrapped

        /// The bytes are not a valid encoding of the message: truncated data (e.g. a cut-off
        /// varint), a length running past the end, a wire type that does not match the
        /// field's declared type, or garbage.
        public static let malformed = Code(wrapped: .malformed)
        /// A string field holds bytes that are not valid UTF-8.
        public static let invalidUTF8 = Code(wrapped: .invalidUTF8)
        /// Decoding would take far more memory than the bytes themselves (e.g. millions of
        /// empty repeated submessages): refused before it is allocated.
        public static let tooExpensive = Code(wrapped: .tooExpensive)

        public var description: String {
            switch wrapped {
            case .malformed: "malformed"
            case .invalidUTF8: "invalidUTF8"
            case .tooExpensive: "tooExpensive"
            }
        }
    }

    /// Kind of failure.
    public let code: Code
    /// What went wrong, for people: names the message type or the field.
    public let message: String
    /// Dotted path of the offending field from the decoded message down, with indices of
    /// repeated fields, e.g. `"RouteResponse.ranked[2].expert"`; nil when the bytes as a
    /// whole are malformed.
    public let field: String?

    public var description: String { "WireError.\(code): \(message)" }

    init(code: Code, message: String, field: String?) {
        self.code = code
        self.message = message
        self.field = field
    }

    /// protobuf-c refused the bytes; it does not say where, so name the type and size.
    static func malformed(_ type: String, byteCount: Int) -> WireError {
        WireError(
            code: .malformed,
            message: "malformed protobuf: \(byteCount) bytes are not a valid \(type) message "
                + "(truncated data, a length past the end, a wrong wire type for a field, or garbage)",
            field: nil)
    }

    static func tooExpensive(_ type: String, byteCount: Int, budget: Int) -> WireError {
        WireError(
            code: .tooExpensive,
            message: "\(byteCount) bytes of \(type) would decode to more than \(budget) bytes of memory "
                + "(too many repeated elements for their size); send fewer, or larger, elements",
            field: nil)
    }

    /// `field` is `"Type.field"` (or with an index); nesting replaces `Type` by the parent path.
    static func invalidUTF8(field: String) -> WireError {
        WireError(
            code: .invalidUTF8,
            message: "field \(field) is not valid UTF-8; send UTF-8 text", field: field)
    }

    /// Re-roots an error raised while decoding a nested message of type `Type` found at
    /// `parentPath` (e.g. `"RouteResponse.ranked[2]"`): `Type.expert` → `RouteResponse.ranked[2].expert`.
    func nested(at parentPath: String) -> WireError {
        guard let field else { return self }
        let rest = field.firstIndex(of: ".").map { field[$0...] } ?? ""
        let path = parentPath + rest
        switch code {
        case .invalidUTF8: return .invalidUTF8(field: path)
        default: return WireError(code: code, message: message + " (at \(path))", field: path)
        }
    }
}
