// libFuzzer target: the one safetensors reader (ZooterCore's SafeTensorsFile) behind router-head,
// reward-model and centroid files; LoadModel feeds it bytes straight from the network.
//
// First input byte: low 2 bits pick the consumer, the other 6 the encoder width it expects
// (1...64, small so the fuzzer can build valid files within its input size); the rest is the file.
import Foundation
@testable import ZooterCore

/// Traps with a message (a fuzzing "crash") when a property that must hold does not.
func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Zero-filled rows for forward passes: only "does not trap" matters, not the values.
func zeros(rows: Int, columns: Int) -> Matrix { Matrix(rows: rows, columns: columns) }

/// A head file, as LoadModel reads it (`inputs` = encoder width).
func fuzzHead(_ data: Data, inputs: Int?) {
    guard let (weights, metadata) = try? HeadWeights.load(safetensors: data, inputs: inputs) else { return }
    let architecture = weights.architecture
    check(weights.parameters.count == architecture.parameterCount, "parameter count")
    check(weights.experts.count == architecture.outputs, "one expert per output")
    if let inputs { check(architecture.inputs == inputs, "the inputs check was skipped") }
    // The writer and the reader agree: what loaded saves and loads back bit for bit.
    let saved = weights.safetensorsData(metadata: metadata)
    guard let (again, metadataAgain) = try? HeadWeights.load(safetensors: saved) else {
        fatalError("a head that loaded does not load after saving it")
    }
    check(again.architecture == architecture && again.experts == weights.experts, "head changed in a save/load round trip")
    check(again.parameters.map(\.bitPattern) == weights.parameters.map(\.bitPattern), "parameters changed in a round trip")
    check(metadataAgain == metadata, "metadata changed in a round trip")
    // What the router does with a head: one forward pass.
    let probabilities = RouterHead(weights: weights).probabilities(zeros(rows: 1, columns: architecture.inputs))
    check(probabilities.rows == 1 && probabilities.columns == architecture.outputs, "probabilities shape")
}

/// A reward-model file, as the reward service reads it (`dimension` = encoder width): it loads or
/// throws, then scores; what loaded saves and loads back unchanged.
func fuzzRewardModel(_ data: Data, dimension: Int) {
    guard let model = try? RewardModel.load(safetensors: data, name: "reward-model.safetensors", dimension: dimension) else { return }
    let scores = model.score([(query: "q", response: "r")], responseEmbeddings: zeros(rows: 1, columns: model.dimension))
    check(scores.count == 1 && scores[0].isFinite, "one finite reward per response")
    let again = try? RewardModel.load(safetensors: model.safetensorsData(), name: "again", dimension: dimension)
    check(again?.version == model.version, "reward model changed in a save/load round trip")
}

/// A centroid file, read as KMeans.load(from:dimension:) reads it (KMeans+File.swift), from
/// memory instead of a path.
func fuzzCentroids(_ data: Data, dimension: Int) {
    guard let file = try? SafeTensorsFile(bytes: data, name: "centroids.safetensors"),
          let tensor = try? file.tensor("centroids"),
          tensor.shape.count == 2, tensor.shape[1] == dimension, tensor.shape[0] > 0,
          let values = try? file.floats("centroids", shape: tensor.shape) else { return }
    let kmeans = KMeans(centroids: Matrix(rows: tensor.shape[0], columns: dimension, values: values))
    check((0..<tensor.shape[0]).contains(kmeans.nearest(zeros(rows: 1, columns: dimension).row(0))), "nearest out of range")
}

/// Any file: every float tensor converts (F32/F16/BF16 through Conversion's raw-pointer loop).
func fuzzAnyTensor(_ data: Data) {
    guard let file = try? SafeTensorsFile(bytes: data, name: "any.safetensors") else { return }
    for tensor in file.tensors.values {
        check(tensor.bytes.lowerBound >= 0 && tensor.bytes.upperBound <= data.count, "tensor range outside the file")
        if let values = try? file.floats(tensor.name, shape: tensor.shape) {
            check(values.count == tensor.elementCount, "element count")
        }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = Int(data[0])
    let file = Data(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let width = 1 + (selector >> 2)
    switch selector & 3 {
    case 0: fuzzHead(file, inputs: nil); fuzzAnyTensor(file)
    case 1: fuzzHead(file, inputs: width)
    case 2: fuzzRewardModel(file, dimension: width)
    default: fuzzCentroids(file, dimension: width)
    }
    return 0
}
