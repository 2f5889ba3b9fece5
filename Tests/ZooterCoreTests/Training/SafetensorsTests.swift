import Foundation
import Testing
@testable import ZooterCore

@Suite struct SafetensorsTests {
    @Test(arguments: [HeadKind.linear, .mlp])
    func roundTripKeepsEveryBit(kind: HeadKind) throws {
        var g = SeededGenerator(seed: 5)
        let a = HeadArchitecture(kind: kind, inputs: 10, hidden: 3, outputs: 2, activation: .relu)
        let params = (0..<a.parameterCount).map { _ in Float(g.normal()) }
        let w = HeadWeights(architecture: a, parameters: params, experts: ["m1", "m \"2\""])
        let dir = try TestSupport.temporaryDirectory()
        let url = dir.appendingPathComponent("head.safetensors")
        try w.save(to: url, metadata: ["dataset": "fnv1a64:abc"])
        let (loaded, meta) = try HeadWeights.load(from: url)
        #expect(loaded.architecture == a)
        #expect(loaded.experts == w.experts)
        #expect(loaded.parameters.map(\.bitPattern) == params.map(\.bitPattern))
        #expect(meta == ["dataset": "fnv1a64:abc"])
        // Header length is a multiple of 8 and the data follows it.
        let bytes = [UInt8](try Data(contentsOf: url))
        let headerLength = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
        #expect(headerLength % 8 == 0 && bytes.count == 8 + headerLength + 4 * a.parameterCount)
    }

    @Test func truncatedOrForeignFilesAreRejected() throws {
        let a = HeadArchitecture(kind: .linear, inputs: 4, outputs: 2)
        let data = HeadWeights(architecture: a, parameters: [Float](repeating: 1, count: a.parameterCount), experts: ["a", "b"])
            .safetensorsData()
        #expect(throws: CoreError.self) { try HeadWeights.decode(data.prefix(data.count - 4), path: "t") }
        #expect(throws: CoreError.self) { try HeadWeights.decode(Data([1, 2, 3]), path: "t") }
        var huge = [UInt8](data)
        huge[0] = 0xFF; huge[1] = 0xFF; huge[7] = 0x7F
        #expect(throws: CoreError.self) { try HeadWeights.decode(Data(huge), path: "t") }
    }
}

/// Hostile head files (the router accepts them inline from the network): every bad size is an
/// error, never an arithmetic trap or a giant allocation.
@Suite struct HostileHeadFileTests {
    /// A head file with a hand-written header (tensors "linear.weight" and "linear.bias").
    static func file(weightShape: String, weightOffsets: String, experts: String = #"[\"a\",\"b\"]"#, payload: Int = 40) -> Data {
        let header = #"{"__metadata__":{"format":"zooter-head","kind":"linear","activation":"gelu","experts":"\#(experts)"},"linear.weight":{"dtype":"F32","shape":\#(weightShape),"data_offsets":\#(weightOffsets)},"linear.bias":{"dtype":"F32","shape":[2],"data_offsets":[32,40]}}"#
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt64(header.utf8.count))
        bytes += Array(header.utf8)
        bytes += [UInt8](repeating: 0, count: payload)
        return Data(bytes)
    }

    @Test(arguments: [
        ("[2,4]", "[-1,9223372036854775807]"),
        ("[1,9223372036854775807]", "[0,32]"),
        ("[9223372036854775807,9223372036854775807]", "[0,32]"),
        ("[2,4]", "[9223372036854775800,9223372036854775807]"),
        ("[2,4]", "[0,9223372036854775807]"),
        ("[-2,-4]", "[0,32]"),
        ("[2]", "[0,8]"),
    ])
    func overflowingShapesAndOffsetsAreErrors(shape: String, offsets: String) {
        let data = Self.file(weightShape: shape, weightOffsets: offsets)
        #expect(throws: CoreError.self) { try HeadWeights.load(safetensors: data) }
    }

    @Test func aValidFileLoadsAndTheEncoderWidthIsChecked() throws {
        let data = Self.file(weightShape: "[2,4]", weightOffsets: "[0,32]")
        #expect(try HeadWeights.load(safetensors: data, inputs: 4).weights.architecture.inputs == 4)
        #expect(throws: CoreError.self) { try HeadWeights.load(safetensors: data, inputs: 384) }
    }

    @Test func absurdExpertCountsAreRefusedBeforeAllocating() {
        let experts = "[" + (0..<70_000).map { #"\"e\#($0)\""# }.joined(separator: ",") + "]"
        let data = Self.file(weightShape: "[70000,4]", weightOffsets: "[0,32]", experts: experts)
        #expect(throws: CoreError.self) { try HeadWeights.load(safetensors: data) }
    }
}
