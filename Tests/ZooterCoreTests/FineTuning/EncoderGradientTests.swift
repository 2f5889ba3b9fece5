import Foundation
import Testing
@testable import ZooterCore

/// The encoder's backward rules against PyTorch autograd through the real MiniLM under the
/// routing loss (`../shared/golden/minilm-grad`, tolerances from its README), and each rule
/// against central finite differences.
@Suite struct EncoderGradientTests {
    static var goldenDirectory: URL { TestSupport.sharedDirectory.appendingPathComponent("golden/minilm-grad") }
    static var goldenAvailable: Bool {
        FileManager.default.fileExists(atPath: goldenDirectory.appendingPathComponent("gradients.json").path)
    }

    struct Batch: Decodable {
        var ids: [[Int32]]
        var attentionMask: [[Int]]
        var targets: [[Float]]
        enum CodingKeys: String, CodingKey { case ids, attentionMask = "attention_mask", targets }
    }
    struct Head: Decodable { var W: [[Float]]; var b: [Float] }
    struct Parameter: Decodable { var shape: [Int]; var l2: Double; var values: [Double]; var rows: [String: [Double]]? }
    struct Golden: Decodable {
        var loss: Double
        var logits: [[Double]]
        var pooledUnnormalised: [[Double]]
        var dPooled: [[Double]]
        var parameters: [String: Parameter]
        enum CodingKeys: String, CodingKey {
            case loss, logits, parameters
            case pooledUnnormalised = "pooled_unnormalised", dPooled = "d_loss_d_pooled_unnormalised"
        }
    }

    static func read<T: Decodable>(_ name: String, as: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: goldenDirectory.appendingPathComponent(name)))
    }

    @Test(.enabled(if: TestSupport.modelAvailable && goldenAvailable, "needs models/ and ../shared/golden/minilm-grad"))
    func everyParameterGradientMatchesPyTorch() throws {
        let batch = try Self.read("batch.json", as: Batch.self)
        let head = try Self.read("head.json", as: Head.self)
        let golden = try Self.read("gradients.json", as: Golden.self)
        let parameters = try EncoderParameters(modelDirectory: TestSupport.modelDirectory)
        // Padding removed: our encoder packs sequences, and masked positions carry no gradient.
        let sequences = zip(batch.ids, batch.attentionMask).map { ids, mask in Array(ids.prefix(mask.reduce(0, +))) }
        let result = try EncoderGradient.routingLoss(parameters: parameters, sequences: sequences, headWeight: head.W.flatMap { $0 },
                                                 headBias: head.b, targets: batch.targets)

        func close(_ value: Double, _ reference: Double) -> Bool { abs(value - reference) <= 1e-6 + 1e-3 * abs(reference) }
        #expect(close(result.loss, golden.loss), "loss \(result.loss) vs \(golden.loss)")
        for s in sequences.indices {
            #expect(zip(result.logits[s], golden.logits[s]).allSatisfy { close(Double($0), $1) }, "logits of row \(s)")
            #expect(zip(result.pooled[s], golden.pooledUnnormalised[s]).allSatisfy { close(Double($0), $1) }, "pooled row \(s)")
            #expect(zip(result.pooledGradient[s], golden.dPooled[s]).allSatisfy { close(Double($0), $1) }, "∂pooled row \(s)")
        }
        #expect(golden.parameters.count == 101)
        // Input the forward pass cannot take is refused, never an out-of-range read.
        for bad in [[[Int32(parameters.configuration.vocabularySize)]], [[]], [[Int32]](repeating: [101], count: 0),
                    [[Int32]](repeating: [Int32](repeating: 101, count: parameters.configuration.maxPositionEmbeddings + 1), count: 1)] {
            #expect(throws: CoreError.self) {
                try EncoderGradient.routingLoss(parameters: parameters, sequences: bad, headWeight: head.W.flatMap { $0 },
                                                headBias: head.b, targets: [[Float]](repeating: batch.targets[0], count: bad.count))
            }
        }
        for (name, reference) in golden.parameters.sorted(by: { $0.key < $1.key }) {
            let gradient = try #require(result.gradients[name], "no gradient for \(name)")
            #expect(parameters.shapes[name] == reference.shape, "\(name) shape")
            let l2 = gradient.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            if name.hasSuffix("attention.self.key.bias") {
                // Exactly zero in exact arithmetic (a key bias adds q·b to every score of a row,
                // which softmax ignores): both sides are rounding noise, ~1e-8.
                #expect(reference.l2 < 1e-6 && l2 < 1e-6, "\(name): l2 \(l2) vs \(reference.l2)")
            } else {
                #expect(abs(l2 - reference.l2) <= 1e-4 * reference.l2, "\(name): l2 \(l2) vs \(reference.l2)")
            }
            let bad = reference.values.indices.filter { !close(Double(gradient[$0]), reference.values[$0]) }
            #expect(bad.isEmpty, "\(name): \(bad.count) of \(reference.values.count) values off, first at \(bad.first ?? -1): \(bad.first.map { "\(gradient[$0]) vs \(reference.values[$0])" } ?? "")")
            for (id, row) in reference.rows ?? [:] {
                let h = reference.shape[1], start = Int(id)! * h
                let off = row.indices.filter { !close(Double(gradient[start + $0]), row[$0]) }
                #expect(off.isEmpty, "\(name) row \(id): \(off.count) values off")
            }
        }
    }

    /// The GEMM-based Linear against the definition, summed in Double.
    @Test func denseMatchesItsDefinition() {
        var g = SeededGenerator(seed: 13)
        for (rows, inputs, out) in [(1, 1, 1), (5, 7, 3), (21, 384, 40), (3, 1536, 17)] {
            let x = (0..<rows * inputs).map { _ in Float(g.normal()) }, w = (0..<out * inputs).map { _ in Float(g.normal()) }
            let b = (0..<out).map { _ in Float(g.normal()) }, dy = (0..<rows * out).map { _ in Float(g.normal()) }
            let start = (0..<out * inputs).map { _ in Float(g.normal()) }
            let y = Dense.forward(x, rows: rows, weight: w, bias: b)
            var dW = start, dB = [Float](repeating: 1, count: out)
            let dx = Dense.backward(dy, input: x, rows: rows, weight: w, dWeight: &dW, dBias: &dB)
            func close(_ a: Float, _ e: Double) -> Bool { abs(Double(a) - e) <= 1e-4 * max(1, abs(e)) }
            for r in 0..<rows {
                for o in 0..<out {
                    let expected = Double(b[o]) + (0..<inputs).reduce(0.0) { $0 + Double(x[r * inputs + $1]) * Double(w[o * inputs + $1]) }
                    #expect(close(y[r * out + o], expected), "y \(rows)×\(inputs)→\(out)")
                }
                for i in 0..<inputs {
                    let expected = (0..<out).reduce(0.0) { $0 + Double(dy[r * out + $1]) * Double(w[$1 * inputs + i]) }
                    #expect(close(dx[r * inputs + i], expected), "dx \(rows)×\(inputs)→\(out)")
                }
            }
            for o in 0..<out {
                #expect(close(dB[o], 1 + (0..<rows).reduce(0.0) { $0 + Double(dy[$1 * out + o]) }))
                for i in 0..<inputs {
                    let expected = Double(start[o * inputs + i]) + (0..<rows).reduce(0.0) { $0 + Double(dy[$1 * out + o]) * Double(x[$1 * inputs + i]) }
                    #expect(close(dW[o * inputs + i], expected), "dW \(rows)×\(inputs)→\(out)")
                }
            }
        }
    }

    @Test func layerNormBackwardMatchesFiniteDifferences() {
        var g = SeededGenerator(seed: 5)
        let rows = 3, n = 7
        let x = (0..<rows * n).map { _ in Float(g.normal()) }
        let gamma = (0..<n).map { _ in Float(g.normal()) }, beta = (0..<n).map { _ in Float(g.normal()) }
        let weights = (0..<rows * n).map { _ in Float(g.normal()) }  // loss = Σ w ⊙ LN(x)
        func loss(_ x: [Float], _ gamma: [Float]) -> Double {
            let (y, _) = LayerNormCache.forward(x, rows: rows, gamma: gamma, beta: beta, epsilon: 1e-5)
            return zip(y, weights).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        let (_, cache) = LayerNormCache.forward(x, rows: rows, gamma: gamma, beta: beta, epsilon: 1e-5)
        var dGamma = [Float](repeating: 0, count: n), dBeta = dGamma
        let dx = cache.backward(weights, rows: rows, gamma: gamma, dGamma: &dGamma, dBeta: &dBeta)
        let epsilon: Float = 1e-2
        for i in x.indices {
            var plus = x, minus = x
            plus[i] += epsilon; minus[i] -= epsilon
            let numeric = (loss(plus, gamma) - loss(minus, gamma)) / Double(2 * epsilon)
            #expect(abs(numeric - Double(dx[i])) < 2e-2 * max(1, abs(numeric)), "x[\(i)]: \(numeric) vs \(dx[i])")
        }
        for j in gamma.indices {
            var plus = gamma, minus = gamma
            plus[j] += epsilon; minus[j] -= epsilon
            let numeric = (loss(x, plus) - loss(x, minus)) / Double(2 * epsilon)
            #expect(abs(numeric - Double(dGamma[j])) < 2e-2 * max(1, abs(numeric)), "γ[\(j)]")
        }
    }

    @Test func attentionAndGELUBackwardMatchFiniteDifferences() {
        var g = SeededGenerator(seed: 8)
        let length = 4, heads = 2, d = 3, h = heads * d
        let q = (0..<length * h).map { _ in Float(g.normal()) }, k = q.map { $0 * 0.5 + 0.1 }, v = (0..<length * h).map { _ in Float(g.normal()) }
        let weights = (0..<length * h).map { _ in Float(g.normal()) }  // loss = Σ w ⊙ context
        func loss(_ q: [Float], _ k: [Float], _ v: [Float]) -> Double {
            zip(SequenceForward.attention(q: q, k: k, v: v, length: length, heads: heads, headDim: d).0, weights)
                .reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        let (context, probabilities) = SequenceForward.attention(q: q, k: k, v: v, length: length, heads: heads, headDim: d)
        let cache = SequenceForward.LayerCache(input: [], q: q, k: k, v: v, probabilities: probabilities, context: context,
                                               attentionNorm: LayerNormCache(normalized: [], inverseStd: [], columns: 0), attended: [],
                                               preActivation: [], activation: [],
                                               outputNorm: LayerNormCache(normalized: [], inverseStd: [], columns: 0))
        let (dq, dk, dv) = SequenceForward.attentionBackward(weights, cache: cache, length: length, heads: heads, headDim: d)
        let epsilon: Float = 1e-2
        for i in q.indices {
            for (which, analytic) in [(0, dq), (1, dk), (2, dv)] {
                var inputs = [q, k, v], minus = [q, k, v]
                inputs[which][i] += epsilon
                minus[which][i] -= epsilon
                let numeric = (loss(inputs[0], inputs[1], inputs[2]) - loss(minus[0], minus[1], minus[2])) / Double(2 * epsilon)
                #expect(abs(numeric - Double(analytic[i])) < 2e-2 * max(1, abs(numeric)), "input \(which) [\(i)]")
            }
        }
        for u: Float in [-3, -0.7, 0, 0.4, 2.5] {
            let numeric = (SequenceForward.gelu(u + 1e-2) - SequenceForward.gelu(u - 1e-2)) / 2e-2
            #expect(abs(numeric - SequenceForward.geluDerivative(u)) < 1e-3, "GELU' at \(u)")
        }
    }
}
