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
            let layer = LinearParameters(weight: w, bias: b)
            let y = Dense.forward(x, rows: rows, layer, threads: 2)
            var gradient = LinearParameters(weight: start, bias: [Float](repeating: 1, count: out))
            let dx = Dense.backward(dy, input: x, rows: rows, layer, gradient: &gradient, threads: 2)
            let dW = gradient.weight, dB = gradient.bias
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

    /// Central differences of a Double definition: ∂f/∂x[i] for every i.
    static func numericGradient(_ x: [Double], _ f: ([Double]) -> Double) -> [Double] {
        x.indices.map { i in
            var plus = x, minus = x
            let step = 1e-6 * max(1, abs(x[i]))
            plus[i] += step
            minus[i] -= step
            return (f(plus) - f(minus)) / (2 * step)
        }
    }

    static func expectClose(_ analytic: [Float], _ numeric: [Double], _ what: String, tolerance: Double = 1e-4) {
        let off = analytic.indices.filter { abs(Double(analytic[$0]) - numeric[$0]) > tolerance * max(1, abs(numeric[$0])) }
        #expect(off.isEmpty, "\(what): \(off.count) of \(analytic.count) off, first \(off.first.map { "\(analytic[$0]) vs \(numeric[$0])" } ?? "")")
    }

    /// LayerNorm's backward (Float32 kernels) against float64 finite differences of its definition.
    @Test func layerNormBackwardMatchesFloat64FiniteDifferences() {
        var g = SeededGenerator(seed: 5)
        let rows = 70, n = 13  // more rows than one task, a width that is not a multiple of 8
        let x = (0..<rows * n).map { _ in g.normal() }
        let gamma = (0..<n).map { _ in g.normal() }, beta = (0..<n).map { _ in g.normal() }
        let weights = (0..<rows * n).map { _ in g.normal() }  // loss = Σ w ⊙ LN(x)
        func loss(_ x: [Double], _ gamma: [Double]) -> Double {
            var total = 0.0
            for r in 0..<rows {
                let row = x[(r * n)..<((r + 1) * n)]
                let mean = row.reduce(0, +) / Double(n)
                let variance = row.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
                for j in 0..<n { total += weights[r * n + j] * ((x[r * n + j] - mean) / (variance + 1e-5).squareRoot() * gamma[j] + beta[j]) }
            }
            return total
        }
        let forward = TrainingKernels.layerNormForward(x.map(Float.init), rows: rows, gamma: gamma.map(Float.init),
                                                       beta: beta.map(Float.init), epsilon: 1e-5, threads: 2)
        var dGamma = [Float](repeating: 0, count: n), dBeta = dGamma
        let dx = TrainingKernels.layerNormBackward(weights.map(Float.init), normalized: forward.normalized,
                                                   inverseStd: forward.inverseStd, gamma: gamma.map(Float.init),
                                                   dGamma: &dGamma, dBeta: &dBeta, threads: 2)
        Self.expectClose(dx, Self.numericGradient(x) { loss($0, gamma) }, "∂x")
        Self.expectClose(dGamma, Self.numericGradient(gamma) { loss(x, $0) }, "∂γ")
        Self.expectClose(dBeta, (0..<n).map { j in (0..<rows).reduce(0.0) { $0 + weights[$1 * n + j] } }, "∂β")
    }

    /// Attention over two packed sequences: forward and backward (Float32 kernels) against the
    /// float64 definition and its finite differences.
    @Test func attentionBackwardMatchesFloat64FiniteDifferences() {
        var g = SeededGenerator(seed: 8)
        let heads = 2, d = 5, h = heads * d, sequences = [0..<3, 3..<8]
        let tokens = 8
        let qkv = (0..<tokens * 3 * h).map { _ in g.normal() }
        let weights = (0..<tokens * h).map { _ in g.normal() }  // loss = Σ w ⊙ context
        func context(_ qkv: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: tokens * h)
            for range in sequences {
                for head in 0..<heads {
                    for i in range {
                        let scores = range.map { j in
                            (0..<d).reduce(0.0) { $0 + qkv[i * 3 * h + head * d + $1] * qkv[j * 3 * h + h + head * d + $1] } / Double(d).squareRoot()
                        }
                        let top = scores.max()!, exps = scores.map { Foundation.exp($0 - top) }, total = exps.reduce(0, +)
                        for (offset, j) in range.enumerated() {
                            for x in 0..<d { out[i * h + head * d + x] += exps[offset] / total * qkv[j * 3 * h + 2 * h + head * d + x] }
                        }
                    }
                }
            }
            return out
        }
        let layout = AttentionTrainingKernel.ProbabilityLayout(sequences: sequences, heads: heads)
        var probabilities = [Float](repeating: 0, count: layout.count), out = [Float](repeating: 0, count: tokens * h)
        AttentionTrainingKernel.forward(qkv: qkv.map(Float.init), sequences: sequences, heads: heads, headDim: d,
                                        probabilities: &probabilities, context: &out, threads: 2)
        Self.expectClose(out, context(qkv), "context", tolerance: 1e-5)
        var dQKV = [Float](repeating: .nan, count: qkv.count)
        AttentionTrainingKernel.backward(dContext: weights.map(Float.init), qkv: qkv.map(Float.init), probabilities: probabilities,
                                         sequences: sequences, heads: heads, headDim: d, dQKV: &dQKV, threads: 2)
        Self.expectClose(dQKV, Self.numericGradient(qkv) { zip(context($0), weights).reduce(0) { $0 + $1.0 * $1.1 } }, "∂qkv")
    }

    /// GELU and its derivative (SIMD, with a partial last vector) against the float64 definition.
    @Test func geluBackwardMatchesFloat64FiniteDifferences() {
        let u: [Double] = [-9, -3, -0.7, -0.01, 0, 0.4, 0.9, 1.3, 2.5, 6, -1.9]
        func gelu(_ x: Double) -> Double { 0.5 * x * (1 + Foundation.erf(x / 2.0.squareRoot())) }
        Self.expectClose(TrainingKernels.gelu(u.map(Float.init), threads: 1), u.map(gelu), "GELU", tolerance: 1e-6)
        let derivative = TrainingKernels.geluBackward([Float](repeating: 1, count: u.count), preActivation: u.map(Float.init), threads: 1)
        Self.expectClose(derivative, u.map { x in (gelu(x + 1e-6) - gelu(x - 1e-6)) / 2e-6 }, "GELU'", tolerance: 1e-5)
    }

    /// The routing loss with an MLP head (`--finetune-head-hidden`): pooling, normalisation, the
    /// head's two layers with GELU, softmax and KL, backward to the hidden states and to every
    /// head parameter (Float32) against float64 finite differences of the definition.
    @Test func mlpHeadRoutingLossMatchesFloat64FiniteDifferences() {
        var g = SeededGenerator(seed: 11)
        let h = 6, hidden = 5, experts = 3
        let sequences = [0..<3, 3..<4, 4..<9]  // one single-token sequence
        let tokens = 9, scale = 1.0 / 3
        let x = (0..<tokens * h).map { _ in g.normal() }
        let architecture = HeadArchitecture(kind: .mlp, inputs: h, hidden: hidden, outputs: experts, activation: .gelu)
        let parameters = (0..<architecture.parameterCount).map { _ in 0.7 * g.normal() }
        let targets: [[Double]] = [[0.7, 0.2, 0.1], [0, 0.5, 0.5], [0.1, 0.1, 0.8]]
        func loss(_ x: [Double], _ p: [Double]) -> Double {
            var total = 0.0
            for (s, range) in sequences.enumerated() {
                var pooled = [Double](repeating: 0, count: h)
                for t in range { for c in 0..<h { pooled[c] += x[t * h + c] / Double(range.count) } }
                let norm = pooled.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let z = pooled.map { $0 / norm }
                let activated = (0..<hidden).map { j -> Double in
                    let pre = p[hidden * h + j] + (0..<h).reduce(0.0) { $0 + p[j * h + $1] * z[$1] }
                    return 0.5 * pre * (1 + Foundation.erf(pre / 2.0.squareRoot()))
                }
                let w2 = hidden * (h + 1), b2 = w2 + experts * hidden
                let logits = (0..<experts).map { e in p[b2 + e] + (0..<hidden).reduce(0.0) { $0 + p[w2 + e * hidden + $1] * activated[$1] } }
                let top = logits.max()!, logTotal = Foundation.log(logits.reduce(0) { $0 + Foundation.exp($1 - top) }) + top
                for e in 0..<experts where targets[s][e] > 0 {
                    total += scale * targets[s][e] * (Foundation.log(targets[s][e]) - (logits[e] - logTotal))
                }
            }
            return total
        }
        let layer = RoutingLossLayer(architecture: architecture, parameters: parameters.map(Float.init))
        var headGradient = [Float](repeating: 0, count: parameters.count)
        let output = layer.apply(hidden: x.map(Float.init), sequences: sequences, targets: targets.map { $0.map(Float.init) },
                                 scale: Float(scale), headGradient: &headGradient)
        #expect(abs(output.loss - loss(x, parameters)) <= 1e-5)
        Self.expectClose(output.hiddenGradient, Self.numericGradient(x) { loss($0, parameters) }, "∂hidden")
        Self.expectClose(headGradient, Self.numericGradient(parameters) { loss(x, $0) }, "∂head")
        // The head's logits are the ones the router serves (`HeadKernels.logits`).
        let served = RouterHead(weights: HeadWeights(architecture: architecture, parameters: parameters.map(Float.init),
                                                     experts: (0..<experts).map { "e\($0)" }))
        let embeddings = Matrix(rows: sequences.count, columns: h, values: output.pooled.flatMap { row in
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return row.map { $0 / norm }
        })
        let servedLogits = served.logits(embeddings)
        for s in sequences.indices {
            for e in 0..<experts { #expect(abs(servedLogits[s, e] - output.logits[s][e]) <= 1e-5) }
        }
    }
}
