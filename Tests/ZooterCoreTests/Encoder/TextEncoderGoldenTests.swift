import Foundation
import Testing
@testable import ZooterCore

/// Golden parity of the forward pass. Tolerances from shared/golden/minilm/README.md:
/// embeddings max-abs ≤ 1e-5 and cosine ≥ 0.999999 (Double, after normalising both), ~25× the
/// torch-vs-onnxruntime noise; per-layer hidden states max-abs ≤ 1e-4 (|x| reaches ≈ 10.5).
@Suite("Encoder golden parity")
struct TextEncoderGoldenTests {
    static let embeddingTolerance: Float = 1e-5
    static let cosineFloor = 0.999_999
    static let layerTolerance: Float = 1e-4

    @Test(.enabled(if: TestSupport.modelAvailable && TestSupport.goldenAvailable,
                   "model folder or ../shared/golden absent (set ZOOTER_SHARED_DIR): golden parity not checked"))
    func everyGoldenEmbeddingWithinGate() throws {
        let encoder = try #require(TestSupport.encoder)
        let texts = try TestSupport.goldenTexts()
        let golden = try TestSupport.floats("embeddings.f32")
        let dimension = encoder.dimension
        #expect(dimension == 384 && golden.count == texts.count * dimension)
        // Batches of 32 (mixed lengths, packed) exercise the batching path as well.
        var worst: (diff: Float, cosine: Double) = (0, 1)
        var failures: [Int] = []
        for start in stride(from: 0, to: texts.count, by: 32) {
            let slice = texts[start..<min(texts.count, start + 32)]
            let embeddings = try encoder.embed(slice.map(\.text))
            for (offset, text) in slice.enumerated() {
                let ours = embeddings.row(offset)
                let expected = golden[(text.id * dimension)..<((text.id + 1) * dimension)]
                let diff = TestSupport.maxAbsDifference(ours, expected)
                let cosine = TestSupport.cosine(ours, expected)
                worst = (max(worst.diff, diff), min(worst.cosine, cosine))
                if diff > Self.embeddingTolerance || cosine < Self.cosineFloor { failures.append(text.id) }
            }
        }
        #expect(failures.isEmpty, "rows outside the gate: \(failures); worst max-abs \(worst.diff), min cosine \(worst.cosine)")
    }

    @Test(.enabled(if: TestSupport.modelAvailable && TestSupport.goldenAvailable,
                   "model folder or ../shared/golden absent (set ZOOTER_SHARED_DIR): golden parity not checked"))
    func layerHiddenStatesMatchGolden() throws {
        let encoder = try #require(TestSupport.encoder)
        let golden = try TestSupport.floats("layers.f32")
        // layers.meta.json: two entries, [7][T][384] each, at byte offsets 0 and 43008.
        let entries: [(ids: [Int32], floatOffset: Int)] = [
            ([101, 7592, 2088, 102], 0),
            ([101, 1996, 7668, 1999, 10204, 4240, 15743, 13675, 21382, 7987, 9307, 2063, 999, 102], 43008 / 4),
        ]
        for entry in entries {
            let states = encoder.layerHiddenStates(tokenIDs: entry.ids)
            #expect(states.count == 7)
            let size = entry.ids.count * 384
            for (index, state) in states.enumerated() {
                let start = entry.floatOffset + index * size
                let diff = TestSupport.maxAbsDifference(state, golden[start..<(start + size)])
                #expect(diff <= Self.layerTolerance, "layer \(index) of \(entry.ids.count)-token text: max-abs \(diff)")
            }
        }
    }

    @Test(.enabled(if: TestSupport.modelAvailable && TestSupport.goldenAvailable,
                   "model folder or ../shared/golden absent (set ZOOTER_SHARED_DIR): golden parity not checked"))
    func paddedMixedLengthBatchEqualsOneAtATime() throws {
        let encoder = try #require(TestSupport.encoder)
        let tokens = try TestSupport.goldenTokens()
        let short = tokens[0].ids, long = tokens[298].ids
        #expect(short.count == 9 && long.count == 256)
        let batch = try encoder.embed(tokenIDs: [short, long, short])
        let alone = [try encoder.embed(tokenIDs: [short]), try encoder.embed(tokenIDs: [long])]
        for (row, single) in [(0, alone[0]), (1, alone[1]), (2, alone[0])] {
            let diff = TestSupport.maxAbsDifference(batch.row(row), single.row(0))
            #expect(diff <= Self.embeddingTolerance, "row \(row): max-abs \(diff)")
            #expect(TestSupport.cosine(batch.row(row), single.row(0)) >= Self.cosineFloor)
        }
    }

    @Test(.enabled(if: TestSupport.modelAvailable, "model folder absent"))
    func apiEdges() throws {
        let encoder = try #require(TestSupport.encoder)
        let empty = try encoder.embed([String]())
        #expect(empty.rows == 0 && empty.columns == 384)
        let long = try encoder.embed([String(repeating: "word ", count: 2000)])
        #expect(long.rows == 1)
        let norm = long.row(0).reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
        #expect(abs(norm - 1) < 1e-5)
        #expect(throws: CoreError.self) { try encoder.embed(tokenIDs: [[101, 40_000, 102]]) }
        #expect(throws: CoreError.self) { try encoder.embed(tokenIDs: [[]]) }
        #expect(throws: CoreError.self) { try encoder.embed(tokenIDs: [Array(repeating: 1000, count: 300)]) }
        #expect(encoder.identity.name == "all-MiniLM-L6-v2")
        #expect(encoder.identity.weightsSHA256.hasPrefix("53aa5117") && encoder.identity.weightsSHA256.hasSuffix("28d9db"))
    }

    @Test(.enabled(if: TestSupport.modelAvailable, "model folder absent"))
    func threadCountDoesNotChangeResults() throws {
        let single = try TextEncoder(modelDirectory: TestSupport.modelDirectory, threads: 1)
        let encoder = try #require(TestSupport.encoder)
        let texts = ["a short one", String(repeating: "longer text with more words ", count: 20)]
        let a = try single.embed(texts), b = try encoder.embed(texts)
        #expect(TestSupport.maxAbsDifference(a.values, b.values) <= Self.embeddingTolerance)
    }
}
