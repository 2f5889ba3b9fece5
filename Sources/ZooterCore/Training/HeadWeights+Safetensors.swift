public import Foundation

/// Head weights as safetensors, through the one reader (`SafeTensorsFile`) and writer
/// (`SafeTensorsWriter`): F32 tensors named by `HeadArchitecture.tensors`.
/// Metadata (all strings): `format` = "zooter-head", `kind`, `activation`, `experts` (JSON list),
/// plus caller-supplied entries (e.g. encoder id, dataset hash).
extension HeadWeights {
    /// Largest width, hidden size or expert count a head file may declare: far above any real
    /// head, and small enough that no product of them overflows or allocates absurdly.
    public static let maxDimension = 1 << 16

    public func safetensorsData(metadata: [String: String] = [:]) -> Data {
        var meta = metadata
        meta["format"] = "zooter-head"
        meta["kind"] = architecture.kind.rawValue
        meta["activation"] = architecture.activation.rawValue
        meta["experts"] = String(decoding: (try? JSONEncoder().encode(experts)) ?? Data("[]".utf8), as: UTF8.self)
        var writer = SafeTensorsWriter(metadata: meta)
        for tensor in architecture.tensors {
            writer.add(tensor.name, shape: tensor.shape, values: parameters[tensor.offset..<(tensor.offset + tensor.count)])
        }
        return writer.data
    }

    public func save(to url: URL, metadata: [String: String] = [:]) throws(CoreError) {
        do {
            try safetensorsData(metadata: metadata).write(to: url, options: .atomic)
        } catch {
            throw CoreError.headWeights(FileProblem(path: url.path, message: "cannot write (\(error.localizedDescription))", cause: error))
        }
    }

    /// Reads a file written by `save`. Validates header, dtypes, shapes and offsets; with
    /// `inputs`, also that the head takes that many inputs (checked before any allocation).
    public static func load(from url: URL, inputs: Int? = nil) throws(CoreError) -> (weights: HeadWeights, metadata: [String: String]) {
        let data: Data
        do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
            throw CoreError.headWeights(FileProblem(path: url.path, message: "cannot read (\(error.localizedDescription))", cause: error))
        }
        return try decode(data, path: url.path, inputs: inputs)
    }

    /// Reads weights from safetensors bytes (an artifact sent inline), validated like `load`.
    public static func load(safetensors data: Data, name: String = "<inline head>", inputs: Int? = nil) throws(CoreError) -> (weights: HeadWeights, metadata: [String: String]) {
        try decode(data, path: name, inputs: inputs)
    }

    static func decode(_ data: Data, path: String, inputs expectedInputs: Int? = nil) throws(CoreError) -> (weights: HeadWeights, metadata: [String: String]) {
        func fail(_ message: String) -> CoreError { .headWeights(FileProblem(path: path, message: message)) }
        // The shared reader checks offsets, sizes and overlaps with overflow-checked arithmetic.
        let file: SafeTensorsFile
        do { file = try SafeTensorsFile(bytes: data, name: path) } catch {
            let reason = if case .modelFile(let problem)? = error as? CoreError { problem.message } else { "\(error)" }
            throw CoreError.headWeights(FileProblem(path: path, message: "not a valid safetensors file: \(reason)", cause: error))
        }
        let meta = file.metadata
        guard meta["format"] == "zooter-head", let kind = meta["kind"].flatMap(HeadKind.init(rawValue:)),
              let activation = meta["activation"].flatMap(Activation.init(rawValue:)),
              let expertsJSON = meta["experts"],
              let experts = try? JSONDecoder().decode([String].self, from: Data(expertsJSON.utf8)) else {
            throw fail("metadata lacks format/kind/activation/experts of a zooter head")
        }
        let first = kind == .linear ? "linear.weight" : "hidden.weight"
        guard let firstShape = file.tensors[first]?.shape, firstShape.count == 2 else { throw fail("missing tensor \(first)") }
        let inputs = firstShape[1]
        let hidden = kind == .mlp ? firstShape[0] : 0
        let limit = maxDimension
        guard (1...limit).contains(inputs), (1...limit).contains(experts.count),
              kind == .linear || (1...limit).contains(hidden) else {
            throw fail("invalid head size: \(inputs) inputs, \(hidden) hidden units, \(experts.count) experts (each must be 1...\(limit))")
        }
        if let expectedInputs, inputs != expectedInputs {
            throw fail("the head takes \(inputs) inputs; this encoder produces \(expectedInputs)")
        }
        let architecture = HeadArchitecture(kind: kind, inputs: inputs, hidden: hidden, outputs: experts.count,
                                            activation: activation)
        // Every tensor must be there with exactly its shape before anything is allocated.
        for tensor in architecture.tensors {
            guard let entry = file.tensors[tensor.name], entry.dtype == .f32, entry.shape == tensor.shape else {
                throw fail("tensor \(tensor.name) missing or not F32 of shape \(tensor.shape)")
            }
        }
        var parameters = [Float](repeating: 0, count: architecture.parameterCount)
        for tensor in architecture.tensors {
            do {
                let values = try file.floats(tensor.name, shape: tensor.shape)
                parameters.replaceSubrange(tensor.offset..<(tensor.offset + tensor.count), with: values)
            } catch {
                throw fail("tensor \(tensor.name): \(error)")
            }
        }
        var userMeta = meta
        for key in ["format", "kind", "activation", "experts"] { userMeta[key] = nil }
        return (HeadWeights(architecture: architecture, parameters: parameters, experts: experts), userMeta)
    }
}
