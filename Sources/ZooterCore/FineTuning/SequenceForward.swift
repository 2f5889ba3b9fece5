import Foundation

/// One sequence through the encoder with every activation the backward pass needs kept, and that
/// backward pass (`EncoderGradient`'s reference rules). Shapes: `L` tokens, `H` hidden, `I`
/// intermediate, `heads` × `d` = `H`.
struct SequenceForward {
    /// What one layer keeps.
    struct LayerCache {
        var input: [Float]              // [L][H]
        var q, k, v: [Float]            // [L][H]
        var probabilities: [[Float]]    // per head, [L][L]
        var context: [Float]            // [L][H]
        var attentionNorm: LayerNormCache
        var attended: [Float]           // [L][H], LayerNorm output
        var preActivation: [Float]      // [L][I]
        var activation: [Float]         // [L][I], GELU
        var outputNorm: LayerNormCache
    }

    let parameters: EncoderParameters
    let ids: [Int32]
    var embeddingNorm: LayerNormCache
    var layers: [LayerCache] = []
    /// Last hidden state, `[L][H]`.
    var output: [Float]

    init(parameters: EncoderParameters, ids: [Int32]) {
        self.parameters = parameters
        self.ids = ids
        let c = parameters.configuration, names = parameters.names, p = parameters.tensors
        let h = c.hiddenSize, length = ids.count
        let word = p[names.wordEmbeddings]!, position = p[names.positionEmbeddings]!, type = p[names.tokenTypeEmbeddings]!
        var summed = [Float](repeating: 0, count: length * h)
        for (t, id) in ids.enumerated() {
            for j in 0..<h { summed[t * h + j] = word[Int(id) * h + j] + position[t * h + j] + type[j] }
        }
        let epsilon = Float(c.layerNormEpsilon)
        (output, embeddingNorm) = LayerNormCache.forward(summed, rows: length, gamma: p[names.embeddingNorm.weight]!,
                                                         beta: p[names.embeddingNorm.bias]!, epsilon: epsilon)
        for index in 0..<c.layerCount {
            let n = names.layer(index)
            let x = output
            let q = Dense.forward(x, rows: length, weight: p[n.query.weight]!, bias: p[n.query.bias]!)
            let k = Dense.forward(x, rows: length, weight: p[n.key.weight]!, bias: p[n.key.bias]!)
            let v = Dense.forward(x, rows: length, weight: p[n.value.weight]!, bias: p[n.value.bias]!)
            let (context, probabilities) = Self.attention(q: q, k: k, v: v, length: length, heads: c.headCount, headDim: c.headDimension)
            var a = Dense.forward(context, rows: length, weight: p[n.attentionOutput.weight]!, bias: p[n.attentionOutput.bias]!)
            for j in a.indices { a[j] += x[j] }
            let (attended, attentionNorm) = LayerNormCache.forward(a, rows: length, gamma: p[n.attentionNorm.weight]!,
                                                                   beta: p[n.attentionNorm.bias]!, epsilon: epsilon)
            let u = Dense.forward(attended, rows: length, weight: p[n.intermediate.weight]!, bias: p[n.intermediate.bias]!)
            let g = u.map(Self.gelu)
            var o = Dense.forward(g, rows: length, weight: p[n.output.weight]!, bias: p[n.output.bias]!)
            for j in o.indices { o[j] += attended[j] }
            let outputNorm: LayerNormCache
            (output, outputNorm) = LayerNormCache.forward(o, rows: length, gamma: p[n.outputNorm.weight]!,
                                                          beta: p[n.outputNorm.bias]!, epsilon: epsilon)
            layers.append(LayerCache(input: x, q: q, k: k, v: v, probabilities: probabilities, context: context,
                                     attentionNorm: attentionNorm, attended: attended, preActivation: u, activation: g,
                                     outputNorm: outputNorm))
        }
    }

    /// Adds ∂loss/∂parameters to `gradients`, given ∂loss/∂output.
    func backward(_ dOutput: [Float], into gradients: inout [String: [Float]]) {
        let c = parameters.configuration, names = parameters.names, p = parameters.tensors
        let h = c.hiddenSize, length = ids.count
        var dx = dOutput
        for index in (0..<c.layerCount).reversed() {
            let n = names.layer(index), cache = layers[index]
            let dO = Self.withPair(&gradients, n.outputNorm) { dGamma, dBeta in cache.outputNorm.backward(dx, rows: length, gamma: p[n.outputNorm.weight]!, dGamma: &dGamma, dBeta: &dBeta) }
            var dAttended = dO  // the residual
            let dG = Self.withPair(&gradients, n.output) { dWeight, dBias in Dense.backward(dO, input: cache.activation, rows: length, weight: p[n.output.weight]!, dWeight: &dWeight, dBias: &dBias) }
            let dU = (0..<dG.count).map { dG[$0] * Self.geluDerivative(cache.preActivation[$0]) }
            let fromFFN = Self.withPair(&gradients, n.intermediate) { dWeight, dBias in Dense.backward(dU, input: cache.attended, rows: length, weight: p[n.intermediate.weight]!, dWeight: &dWeight, dBias: &dBias) }
            for j in dAttended.indices { dAttended[j] += fromFFN[j] }
            let dA = Self.withPair(&gradients, n.attentionNorm) { dGamma, dBeta in cache.attentionNorm.backward(dAttended, rows: length, gamma: p[n.attentionNorm.weight]!, dGamma: &dGamma, dBeta: &dBeta) }
            var dInput = dA  // the residual
            let dContext = Self.withPair(&gradients, n.attentionOutput) { dWeight, dBias in Dense.backward(dA, input: cache.context, rows: length, weight: p[n.attentionOutput.weight]!, dWeight: &dWeight, dBias: &dBias) }
            let (dq, dk, dv) = Self.attentionBackward(dContext, cache: cache, length: length, heads: c.headCount, headDim: c.headDimension)
            for (d, pair) in [(dq, n.query), (dk, n.key), (dv, n.value)] {
                let part = Self.withPair(&gradients, pair) { dWeight, dBias in Dense.backward(d, input: cache.input, rows: length, weight: p[pair.weight]!, dWeight: &dWeight, dBias: &dBias) }
                for j in dInput.indices { dInput[j] += part[j] }
            }
            dx = dInput
        }
        let dSummed = Self.withPair(&gradients, names.embeddingNorm) { dGamma, dBeta in embeddingNorm.backward(dx, rows: length, gamma: p[names.embeddingNorm.weight]!, dGamma: &dGamma, dBeta: &dBeta) }
        // Sparse: only the rows of the sequence's token ids and positions receive gradient.
        var word = gradients.removeValue(forKey: names.wordEmbeddings)!
        var position = gradients.removeValue(forKey: names.positionEmbeddings)!
        var type = gradients.removeValue(forKey: names.tokenTypeEmbeddings)!
        for (t, id) in ids.enumerated() {
            for j in 0..<h {
                let g = dSummed[t * h + j]
                word[Int(id) * h + j] += g
                position[t * h + j] += g
                type[j] += g
            }
        }
        gradients[names.wordEmbeddings] = word
        gradients[names.positionEmbeddings] = position
        gradients[names.tokenTypeEmbeddings] = type
    }

    /// Runs `body` on the gradients of a (weight, bias) pair, taken out of `gradients` so that both
    /// can be mutated at once without copying, and put back.
    static func withPair<T>(_ gradients: inout [String: [Float]], _ pair: (weight: String, bias: String),
                            _ body: (inout [Float], inout [Float]) -> T) -> T {
        var weight = gradients.removeValue(forKey: pair.weight)!, bias = gradients.removeValue(forKey: pair.bias)!
        let result = body(&weight, &bias)
        gradients[pair.weight] = weight
        gradients[pair.bias] = bias
        return result
    }

    /// Multi-head self-attention over all tokens of the sequence (no padding, so no mask).
    static func attention(q: [Float], k: [Float], v: [Float], length: Int, heads: Int, headDim d: Int) -> ([Float], [[Float]]) {
        let h = heads * d
        let scale = 1 / Float(d).squareRoot()
        var context = [Float](repeating: 0, count: length * h)
        var probabilities: [[Float]] = []
        for head in 0..<heads {
            let offset = head * d
            var pr = [Float](repeating: 0, count: length * length)
            for i in 0..<length {
                var top = -Float.infinity
                for j in 0..<length {
                    var s: Float = 0
                    for x in 0..<d { s += q[i * h + offset + x] * k[j * h + offset + x] }
                    pr[i * length + j] = s * scale
                    top = max(top, s * scale)
                }
                var total: Float = 0
                for j in 0..<length { pr[i * length + j] = expf(pr[i * length + j] - top); total += pr[i * length + j] }
                for j in 0..<length {
                    pr[i * length + j] /= total
                    for x in 0..<d { context[i * h + offset + x] += pr[i * length + j] * v[j * h + offset + x] }
                }
            }
            probabilities.append(pr)
        }
        return (context, probabilities)
    }

    /// dS = P ⊙ (dP − rowsum(dP ⊙ P)), dP = dContext vᵀ, dv = Pᵀ dContext, dq = dS k / √d, dk = dSᵀ q / √d.
    static func attentionBackward(_ dContext: [Float], cache: LayerCache, length: Int, heads: Int,
                                  headDim d: Int) -> ([Float], [Float], [Float]) {
        let h = heads * d
        let scale = 1 / Float(d).squareRoot()
        var dq = [Float](repeating: 0, count: length * h), dk = dq, dv = dq
        for head in 0..<heads {
            let offset = head * d, pr = cache.probabilities[head]
            for i in 0..<length {
                var dP = [Float](repeating: 0, count: length)
                var weighted: Float = 0
                for j in 0..<length {
                    var s: Float = 0
                    for x in 0..<d { s += dContext[i * h + offset + x] * cache.v[j * h + offset + x] }
                    dP[j] = s
                    weighted += s * pr[i * length + j]
                    for x in 0..<d { dv[j * h + offset + x] += pr[i * length + j] * dContext[i * h + offset + x] }
                }
                for j in 0..<length {
                    let dS = pr[i * length + j] * (dP[j] - weighted) * scale
                    for x in 0..<d {
                        dq[i * h + offset + x] += dS * cache.k[j * h + offset + x]
                        dk[j * h + offset + x] += dS * cache.q[i * h + offset + x]
                    }
                }
            }
        }
        return (dq, dk, dv)
    }

    /// Exact GELU, 0.5 u (1 + erf(u/√2)), as BERT's "gelu".
    static func gelu(_ u: Float) -> Float { 0.5 * u * (1 + erff(u * 0.707_106_77)) }

    static func geluDerivative(_ u: Float) -> Float {
        0.5 * (1 + erff(u * 0.707_106_77)) + u * 0.398_942_28 * expf(-0.5 * u * u)
    }
}

/// What a LayerNorm keeps for its backward pass: the normalised input and 1/σ per row.
struct LayerNormCache {
    var normalized: [Float]
    var inverseStd: [Float]
    let columns: Int

    static func forward(_ x: [Float], rows: Int, gamma: [Float], beta: [Float], epsilon: Float) -> ([Float], LayerNormCache) {
        let n = gamma.count
        var normalized = [Float](repeating: 0, count: x.count), out = normalized
        var inverseStd = [Float](repeating: 0, count: rows)
        for r in 0..<rows {
            var mean: Float = 0
            for j in 0..<n { mean += x[r * n + j] }
            mean /= Float(n)
            var variance: Float = 0
            for j in 0..<n { variance += (x[r * n + j] - mean) * (x[r * n + j] - mean) }
            let inv = 1 / (variance / Float(n) + epsilon).squareRoot()
            inverseStd[r] = inv
            for j in 0..<n {
                normalized[r * n + j] = (x[r * n + j] - mean) * inv
                out[r * n + j] = normalized[r * n + j] * gamma[j] + beta[j]
            }
        }
        return (out, LayerNormCache(normalized: normalized, inverseStd: inverseStd, columns: n))
    }

    /// dx = (1/σ)(dx̂ − mean(dx̂) − x̂ · mean(dx̂ ⊙ x̂)), dx̂ = dy ⊙ γ.
    func backward(_ dy: [Float], rows: Int, gamma: [Float], dGamma: inout [Float], dBeta: inout [Float]) -> [Float] {
        let n = columns
        var dx = [Float](repeating: 0, count: dy.count)
        for r in 0..<rows {
            var meanD: Float = 0, meanDX: Float = 0
            for j in 0..<n {
                let g = dy[r * n + j]
                dGamma[j] += g * normalized[r * n + j]
                dBeta[j] += g
                let dHat = g * gamma[j]
                meanD += dHat
                meanDX += dHat * normalized[r * n + j]
            }
            meanD /= Float(n)
            meanDX /= Float(n)
            for j in 0..<n {
                dx[r * n + j] = inverseStd[r] * (dy[r * n + j] * gamma[j] - meanD - normalized[r * n + j] * meanDX)
            }
        }
        return dx
    }
}

/// A Linear layer, y = x Wᵀ + b with W `[out][in]`, and its backward pass, all three products on
/// the serving GEMM (`Kernels.linear`): W is packed per call as the forward's `[in] → [out]`, as
/// `[out] → [in]` for dx = dy W, and x as the right operand of dW = dyᵀ x.
enum Dense {
    static func forward(_ x: [Float], rows: Int, weight: [Float], bias: [Float], threads: Int = 1) -> [Float] {
        let out = bias.count, inputs = weight.count / out
        var y = [Float](repeating: 0, count: rows * out)
        Kernels.linear(x, rows: rows, weight: PackedMatrix(linearWeight: weight, outFeatures: out, inFeatures: inputs, bias: bias),
                       into: &y, threads: threads)
        return y
    }

    /// Returns dx = dy W; adds dW += dyᵀ x and db += Σ dy.
    static func backward(_ dy: [Float], input x: [Float], rows: Int, weight: [Float],
                         dWeight: inout [Float], dBias: inout [Float], threads: Int = 1) -> [Float] {
        let out = dBias.count, inputs = weight.count / out
        var dx = [Float](repeating: 0, count: rows * inputs)
        Kernels.linear(dy, rows: rows, weight: PackedMatrix(rowMajor: weight, depth: out, columns: inputs), into: &dx, threads: threads)
        var dyTransposed = [Float](repeating: 0, count: out * rows)
        for r in 0..<rows {
            for o in 0..<out {
                dyTransposed[o * rows + r] = dy[r * out + o]
                dBias[o] += dy[r * out + o]
            }
        }
        var updated = [Float](repeating: 0, count: out * inputs)
        Kernels.linear(dyTransposed, rows: out, weight: PackedMatrix(rowMajor: x, depth: rows, columns: inputs),
                       residual: dWeight, into: &updated, threads: threads)
        dWeight = updated
        return dx
    }
}
