import Foundation

/// A memory-mapped `.safetensors` file with a validated header.
///
/// Format (https://github.com/huggingface/safetensors#format): 8-byte little-endian header length
/// `N`, `N` bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}`,
/// then the data block; offsets are relative to the data block. Validation here rejects, with an
/// `CoreError.modelFile` naming the file: truncated files, header lengths past the end, invalid JSON,
/// unknown dtypes, negative shapes, offsets past the data block, byte sizes that disagree with
/// shape × dtype, and overlapping tensors. Tensor bytes are only read on demand, so the mapping
/// costs resident memory only for the pages actually touched.
struct SafeTensorsFile: Sendable {
    struct Tensor: Sendable {
        var name: String
        var dtype: SafeTensorsDType
        var shape: [Int]
        /// Absolute byte range in the file.
        var bytes: Range<Int>

        var elementCount: Int { shape.reduce(1, *) }
    }

    let url: URL
    /// The file name used in error messages.
    let fileName: String
    /// The whole file, memory-mapped.
    let data: Data
    let tensors: [String: Tensor]
    /// The header's `__metadata__` (string to string), empty when absent.
    let metadata: [String: String]

    init(url: URL, displayName: String? = nil) throws {
        let name = displayName ?? url.lastPathComponent
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            throw CoreError.modelFile(FileProblem(path: name, message: exists
                ? "cannot be read (\(error.localizedDescription))" : "file not found at \(url.path)", cause: error))
        }
        try self.init(data: data, url: url, fileName: name)
    }

    init(data: Data, url: URL, fileName: String) throws {
        self.url = url
        self.fileName = fileName
        self.data = data
        (self.tensors, self.metadata) = try Self.parseHeader(data, fileName: fileName)
    }

    /// Bytes received from elsewhere (an artifact sent inline), validated like a file.
    init(bytes: Data, name: String) throws {
        try self.init(data: bytes, url: URL(fileURLWithPath: "/dev/null"), fileName: name)
    }

    private static func parseHeader(_ data: Data, fileName: String) throws -> ([String: Tensor], [String: String]) {
        func fail(_ problem: String) -> CoreError { .modelFile(FileProblem(path: fileName, message: problem)) }
        guard data.count >= 8 else {
            throw fail("truncated: \(data.count) bytes, too short for the 8-byte header length")
        }
        var headerLength: UInt64 = 0
        for i in 0..<8 { headerLength |= UInt64(data[data.startIndex + i]) << (8 * UInt64(i)) }
        guard headerLength <= UInt64(data.count - 8) else {
            throw fail("header length \(headerLength) runs past the end of the file (\(data.count) bytes); the file is truncated or not safetensors")
        }
        let headerEnd = 8 + Int(headerLength)
        let json = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + headerEnd))
        let entries: [String: HeaderEntry]
        do {
            entries = try JSONDecoder().decode([String: HeaderEntry].self, from: json)
        } catch let error as DecodingError {
            throw fail("header is not valid safetensors JSON (\(Self.describe(error)))")
        } catch {
            throw fail("header is not valid JSON (\(error))")
        }
        let dataBlockSize = data.count - headerEnd
        var tensors: [String: Tensor] = [:]
        var metadata: [String: String] = [:]
        for (name, entry) in entries {
            if case let .metadata(map) = entry { metadata = map }
            guard case let .tensor(dtypeName, shape, offsets) = entry else { continue }
            guard let dtype = SafeTensorsDType(rawValue: dtypeName) else {
                throw fail("tensor '\(name)' has unknown dtype '\(dtypeName)'")
            }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw fail("tensor '\(name)' has a negative dimension in shape \(shape)")
            }
            guard offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1] else {
                throw fail("tensor '\(name)' has invalid data_offsets \(offsets)")
            }
            // Compared before any arithmetic on them: offsets and shapes come from the file.
            guard offsets[1] <= dataBlockSize else {
                throw fail("tensor '\(name)' data_offsets \(offsets) are out of range: the data block has \(dataBlockSize) bytes (file truncated?)")
            }
            let (elements, overflow) = shape.reduce((1, false)) { partial, dim in
                let (product, o) = partial.0.multipliedReportingOverflow(by: dim)
                return (product, partial.1 || o)
            }
            let expected = elements.multipliedReportingOverflow(by: dtype.byteWidth)
            guard !overflow, !expected.overflow, expected.partialValue == offsets[1] - offsets[0] else {
                throw fail("tensor '\(name)' size mismatch: shape \(shape) of \(dtype.rawValue) needs \(overflow ? "too many" : String(elements &* dtype.byteWidth)) bytes but data_offsets \(offsets) span \(offsets[1] - offsets[0])")
            }
            tensors[name] = Tensor(
                name: name, dtype: dtype, shape: shape,
                bytes: (headerEnd + offsets[0])..<(headerEnd + offsets[1]))
        }
        let ordered = tensors.values.filter { !$0.bytes.isEmpty }.sorted { $0.bytes.lowerBound < $1.bytes.lowerBound }
        for (previous, next) in zip(ordered, ordered.dropFirst()) where next.bytes.lowerBound < previous.bytes.upperBound {
            throw fail("tensors '\(previous.name)' and '\(next.name)' overlap in the data block")
        }
        return (tensors, metadata)
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let context), .keyNotFound(_, let context),
             .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "at '\(path)': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// The header entry for `name`, or an error naming the file and tensor.
    func tensor(_ name: String) throws -> Tensor {
        guard let tensor = tensors[name] else {
            throw CoreError.modelFile(FileProblem(path: fileName, message: "missing tensor '\(name)'"))
        }
        return tensor
    }

    /// The tensor `name` as Float32, checking its shape. F32, F16 and BF16 are accepted.
    func floats(_ name: String, shape expected: [Int]) throws -> [Float] {
        let tensor = try tensor(name)
        guard tensor.shape == expected else {
            throw CoreError.modelFile(FileProblem(path: fileName, message: "tensor '\(name)' has shape \(tensor.shape), expected \(expected) from config.json"))
        }
        let encoding = try floatEncoding(of: tensor)
        var values = [Float](repeating: 0, count: tensor.elementCount)
        Conversion.decode(data, byteOffset: tensor.bytes.lowerBound, count: values.count,
                          encoding: encoding, into: &values)
        return values
    }

    func floatEncoding(of tensor: Tensor) throws -> FloatEncoding {
        guard let encoding = tensor.dtype.floatEncoding else {
            throw CoreError.modelFile(FileProblem(path: fileName, message: "tensor '\(tensor.name)' has dtype \(tensor.dtype.rawValue); expected F32, F16 or BF16"))
        }
        return encoding
    }
}

/// One value of the header object: a tensor description, or the free-form `__metadata__`.
private enum HeaderEntry: Decodable {
    case tensor(dtype: String, shape: [Int], offsets: [Int])
    case metadata([String: String])

    private enum Keys: String, CodingKey {
        case dtype, shape
        case offsets = "data_offsets"
    }

    init(from decoder: any Decoder) throws {
        if decoder.codingPath.last?.stringValue == "__metadata__" {
            self = .metadata(try decoder.singleValueContainer().decode([String: String].self))
            return
        }
        let container = try decoder.container(keyedBy: Keys.self)
        self = .tensor(
            dtype: try container.decode(String.self, forKey: .dtype),
            shape: try container.decode([Int].self, forKey: .shape),
            offsets: try container.decode([Int].self, forKey: .offsets))
    }
}
