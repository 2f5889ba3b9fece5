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
        #expect(throws: HeadWeightsError.self) { try HeadWeights.decode(data.prefix(data.count - 4), path: "t") }
        #expect(throws: HeadWeightsError.self) { try HeadWeights.decode(Data([1, 2, 3]), path: "t") }
        var huge = [UInt8](data)
        huge[0] = 0xFF; huge[1] = 0xFF; huge[7] = 0x7F
        #expect(throws: HeadWeightsError.self) { try HeadWeights.decode(Data(huge), path: "t") }
    }
}
