import ZooterHTTP2

extension Metadata {
    /// Header names the transport owns; they never appear as custom metadata.
    static func isReserved(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: ":") else { return true }
        switch name {
        case "content-type", "te", "user-agent", "content-length", "accept-encoding": return true
        default: return first == UInt8(ascii: "g") && name.hasPrefix("grpc-")
        }
    }

    /// Custom metadata from received header fields (reserved names skipped, `-bin` decoded;
    /// a `-bin` value that is not base64 is dropped rather than failing the call).
    init(headers: [HeaderField]) {
        self.init()
        for field in headers where !Metadata.isReserved(field.name) {
            if field.name.hasSuffix("-bin") {
                if let bytes = Base64.decode(field.value) { add(field.name, binary: bytes) }
            } else {
                add(field.name, field.value)
            }
        }
    }

    /// Header fields for sending; reserved names are never emitted from custom metadata.
    var headerFields: [HeaderField] {
        entries.compactMap { entry in
            guard !Metadata.isReserved(entry.name) else { return nil }
            switch entry.value {
            case .text(let value): return HeaderField(entry.name, value)
            case .binary(let bytes): return HeaderField(entry.name, Base64.encode(bytes))
            }
        }
    }
}
