import Foundation

/// Writes F32 tensors and string metadata as safetensors: the one writer behind head, reward-model
/// and centroid files (`SafeTensorsFile` is the one reader). Layout: 8-byte little-endian header
/// length, the JSON header padded with spaces to a multiple of 8, then the tensors back to back.
struct SafeTensorsWriter {
    private var entries: [(name: String, shape: [Int], values: ArraySlice<Float>)] = []
    private var metadata: [String: String] = [:]

    init(metadata: [String: String] = [:]) {
        self.metadata = metadata
    }

    /// Adds a tensor; `values.count` must equal the product of `shape`.
    mutating func add(_ name: String, shape: [Int], values: ArraySlice<Float>) {
        precondition(shape.reduce(1, *) == values.count, "tensor \(name): \(values.count) values for shape \(shape)")
        entries.append((name, shape, values))
    }

    var data: Data {
        // JSONSerialization escapes names and metadata; keys sorted so equal content writes equal bytes.
        var header: [String: Any] = [:]
        var offset = 0
        for entry in entries {
            let end = offset + entry.values.count * 4
            header[entry.name] = ["dtype": "F32", "shape": entry.shape, "data_offsets": [offset, end]] as [String: Any]
            offset = end
        }
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        // Only strings, integers and arrays of them: serialization cannot fail.
        var headerBytes = [UInt8]((try? JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8))
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + offset)
        out.appendLittleEndian(UInt64(headerBytes.count))
        out.append(contentsOf: headerBytes)
        for entry in entries {
            for value in entry.values { out.appendLittleEndian(value.bitPattern) }
        }
        return Data(out)
    }
}
