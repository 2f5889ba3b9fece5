public import Foundation

/// Problems reading or writing head weights.
public struct HeadWeightsError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}

/// Head weights as safetensors: 8-byte little-endian header length, a JSON header
/// `{"<tensor>": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}`
/// padded with spaces to a multiple of 8, then the raw little-endian F32 data.
/// Metadata (all strings): `format` = "zooter-head", `kind`, `activation`, `experts` (JSON list),
/// plus caller-supplied entries (e.g. encoder id, dataset hash).
extension HeadWeights {
    public func safetensorsData(metadata: [String: String] = [:]) -> Data {
        var header = "{"
        var offset = 0
        for tensor in architecture.tensors {
            let end = offset + tensor.count * 4
            header += "\"\(tensor.name)\":{\"dtype\":\"F32\",\"shape\":[\(tensor.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]},"
            offset = end
        }
        var meta = metadata
        meta["format"] = "zooter-head"
        meta["kind"] = architecture.kind.rawValue
        meta["activation"] = architecture.activation.rawValue
        meta["experts"] = String(decoding: (try? JSONEncoder().encode(experts)) ?? Data("[]".utf8), as: UTF8.self)
        let metaJSON = String(decoding: (try? JSONEncoder.sorted.encode(meta)) ?? Data("{}".utf8), as: UTF8.self)
        header += "\"__metadata__\":\(metaJSON)}"
        var headerBytes = Array(header.utf8)
        while headerBytes.count % 8 != 0 { headerBytes.append(0x20) }
        var out: [UInt8] = []
        out.reserveCapacity(8 + headerBytes.count + parameters.count * 4)
        out.appendLittleEndian(UInt64(headerBytes.count))
        out.append(contentsOf: headerBytes)
        for v in parameters { out.appendLittleEndian(v.bitPattern) }
        return Data(out)
    }

    public func save(to url: URL, metadata: [String: String] = [:]) throws(HeadWeightsError) {
        do {
            try safetensorsData(metadata: metadata).write(to: url, options: .atomic)
        } catch {
            throw HeadWeightsError(path: url.path, message: "cannot write (\(error.localizedDescription))")
        }
    }

    /// Reads a file written by `save`. Validates header, dtypes, shapes and offsets.
    public static func load(from url: URL) throws(HeadWeightsError) -> (weights: HeadWeights, metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw HeadWeightsError(path: url.path, message: "cannot read (\(error.localizedDescription))")
        }
        return try decode(data, path: url.path)
    }

    /// Reads weights from safetensors bytes (an artifact sent inline), validated like `load`.
    public static func load(safetensors data: Data, name: String = "<inline head>") throws(HeadWeightsError) -> (weights: HeadWeights, metadata: [String: String]) {
        try decode(data, path: name)
    }

    static func decode(_ data: Data, path: String) throws(HeadWeightsError) -> (weights: HeadWeights, metadata: [String: String]) {
        func fail(_ message: String) -> HeadWeightsError { HeadWeightsError(path: path, message: message) }
        var reader = ByteReader(bytes: [UInt8](data))
        guard let headerLength = reader.uint64(), headerLength <= UInt64(reader.remaining),
              let headerBytes = reader.take(Int(headerLength)) else { throw fail("truncated safetensors header") }
        let payloadStart = reader.offset
        guard let header = try? JSONDecoder().decode([String: SafetensorsEntry].self, from: Data(headerBytes)),
              let meta = header["__metadata__"]?.metadata else {
            throw fail("safetensors header is not valid JSON with __metadata__")
        }
        guard meta["format"] == "zooter-head", let kind = meta["kind"].flatMap(HeadKind.init(rawValue:)),
              let activation = meta["activation"].flatMap(Activation.init(rawValue:)),
              let expertsJSON = meta["experts"],
              let experts = try? JSONDecoder().decode([String].self, from: Data(expertsJSON.utf8)) else {
            throw fail("metadata lacks format/kind/activation/experts of a zooter head")
        }
        let first = kind == .linear ? "linear.weight" : "hidden.weight"
        guard let firstShape = header[first]?.shape, firstShape.count == 2 else { throw fail("missing tensor \(first)") }
        let inputs = firstShape[1]
        let hidden = kind == .mlp ? firstShape[0] : 0
        guard inputs > 0, experts.count > 0, kind == .linear || hidden > 0 else { throw fail("invalid tensor shapes") }
        let architecture = HeadArchitecture(kind: kind, inputs: inputs, hidden: hidden, outputs: experts.count,
                                            activation: activation)
        let payload = Array(reader.bytes[payloadStart...])
        guard architecture.parameterCount * 4 <= payload.count else { throw fail("tensor data shorter than the shapes need") }
        var parameters = [Float](repeating: 0, count: architecture.parameterCount)
        for tensor in architecture.tensors {
            guard let entry = header[tensor.name], entry.dtype == "F32", entry.shape == tensor.shape,
                  let offsets = entry.dataOffsets, offsets.count == 2, offsets[1] - offsets[0] == tensor.count * 4,
                  offsets[0] >= 0, offsets[1] <= payload.count else {
                throw fail("tensor \(tensor.name) missing or not F32 of shape \(tensor.shape)")
            }
            var r = ByteReader(bytes: payload)
            r.offset = offsets[0]
            for i in 0..<tensor.count {
                guard let bits = r.uint32() else { throw fail("tensor \(tensor.name) truncated") }
                parameters[tensor.offset + i] = Float(bitPattern: bits)
            }
        }
        var userMeta = meta
        for key in ["format", "kind", "activation", "experts"] { userMeta[key] = nil }
        return (HeadWeights(architecture: architecture, parameters: parameters, experts: experts), userMeta)
    }
}

/// One header entry: a tensor description or the metadata map.
private struct SafetensorsEntry: Decodable {
    var dtype: String?
    var shape: [Int]?
    var dataOffsets: [Int]?
    var metadata: [String: String]?

    enum CodingKeys: String, CodingKey {
        case dtype, shape
        case dataOffsets = "data_offsets"
    }

    init(from decoder: any Decoder) throws {
        if let map = try? decoder.singleValueContainer().decode([String: String].self) {
            metadata = map
            return
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dtype = try c.decode(String.self, forKey: .dtype)
        shape = try c.decode([Int].self, forKey: .shape)
        dataOffsets = try c.decode([Int].self, forKey: .dataOffsets)
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
