/// One HTTP/2 header field. Names are lower-case as HTTP/2 requires; values are the bytes on the
/// wire decoded as UTF-8 (gRPC metadata values are printable ASCII, `-bin` values base64).
public struct HeaderField: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HeaderField {
    /// The value of the first field named `name`, if any.
    public func first(named name: String) -> String? {
        for field in self where field.name == name { return field.value }
        return nil
    }
}
