import Foundation

/// The kind of routing head on top of the frozen sentence embedding.
public enum HeadKind: String, Codable, Sendable, CaseIterable {
    /// logits = W·x + b
    case linear
    /// logits = W₂·act(W₁·x + b₁) + b₂ (one hidden layer)
    case mlp
}

/// Hidden-layer nonlinearity of the MLP head.
public enum Activation: String, Codable, Sendable, CaseIterable {
    case relu
    /// GELU with the exact erf form, 0.5·x·(1 + erf(x/√2)).
    case gelu
}

/// Shape of a head. Parameters live in one flat `[Float]` buffer (see `HeadWeights`) in this order:
/// - linear: `weight [outputs][inputs]`, `bias [outputs]`
/// - mlp:    `hidden.weight [hidden][inputs]`, `hidden.bias [hidden]`,
///           `output.weight [outputs][hidden]`, `output.bias [outputs]`
/// Matrices are row-major with one row per output unit, so a forward pass is a dot product per row.
public struct HeadArchitecture: Codable, Sendable, Equatable, Hashable {
    public var kind: HeadKind
    public var inputs: Int
    /// Hidden units; 0 for `.linear`.
    public var hidden: Int
    public var outputs: Int
    public var activation: Activation

    public init(kind: HeadKind, inputs: Int, hidden: Int = 0, outputs: Int, activation: Activation = .gelu) {
        precondition(inputs > 0 && outputs > 0, "head needs inputs and outputs")
        precondition(kind == .linear || hidden > 0, "an MLP head needs hidden units")
        self.kind = kind
        self.inputs = inputs
        self.hidden = kind == .linear ? 0 : hidden
        self.outputs = outputs
        self.activation = activation
    }

    /// Named tensors: (name, shape, offset into the flat buffer, element count).
    public var tensors: [(name: String, shape: [Int], offset: Int, count: Int)] {
        switch kind {
        case .linear:
            return [("linear.weight", [outputs, inputs], 0, outputs * inputs),
                    ("linear.bias", [outputs], outputs * inputs, outputs)]
        case .mlp:
            let w1 = hidden * inputs, w2 = outputs * hidden
            return [("hidden.weight", [hidden, inputs], 0, w1),
                    ("hidden.bias", [hidden], w1, hidden),
                    ("output.weight", [outputs, hidden], w1 + hidden, w2),
                    ("output.bias", [outputs], w1 + hidden + w2, outputs)]
        }
    }

    public var parameterCount: Int {
        kind == .linear ? outputs * (inputs + 1) : hidden * (inputs + 1) + outputs * (hidden + 1)
    }

    /// Offset of the output bias (the last `outputs` parameters in both layouts).
    var outputBiasOffset: Int { parameterCount - outputs }

    /// 1 for weights that take weight decay, 0 for biases (decay would pull the prior bias to 0).
    var decayMask: [Float] {
        var mask = [Float](repeating: 0, count: parameterCount)
        for tensor in tensors where tensor.name.hasSuffix(".weight") {
            for i in tensor.offset..<(tensor.offset + tensor.count) { mask[i] = 1 }
        }
        return mask
    }
}

/// Trained (or initial) parameters of a head: architecture + flat `[Float]` buffer in the layout of
/// `HeadArchitecture.tensors`, plus the expert names the outputs stand for.
public struct HeadWeights: Sendable, Equatable {
    public let architecture: HeadArchitecture
    public let parameters: [Float]
    /// Output order; `experts.count == architecture.outputs`.
    public let experts: [String]

    public init(architecture: HeadArchitecture, parameters: [Float], experts: [String]) {
        precondition(parameters.count == architecture.parameterCount, "parameter buffer does not match the architecture")
        precondition(experts.count == architecture.outputs, "one expert name per output")
        self.architecture = architecture
        self.parameters = parameters
        self.experts = experts
    }

    /// The named tensor's values.
    public func tensor(_ name: String) -> [Float]? {
        guard let t = architecture.tensors.first(where: { $0.name == name }) else { return nil }
        return Array(parameters[t.offset..<(t.offset + t.count)])
    }

    /// Initial parameters: output bias = log(prior) so an untrained head predicts the prior (the
    /// training label mean) and routes like the expert the labels favour on average.
    /// Linear: W = 0. MLP: He-normal hidden weights, zero hidden bias, small output weights
    /// (std 0.1/√hidden) so the prior dominates at the start.
    public static func initial(architecture: HeadArchitecture, prior: [Float], experts: [String],
                               generator: inout SeededGenerator) -> HeadWeights {
        precondition(prior.count == architecture.outputs, "prior needs one value per output")
        var p = [Float](repeating: 0, count: architecture.parameterCount)
        if architecture.kind == .mlp {
            let w1Std = (2.0 / Double(architecture.inputs)).squareRoot()
            for i in 0..<(architecture.hidden * architecture.inputs) { p[i] = Float(generator.normal() * w1Std) }
            let w2Offset = architecture.hidden * (architecture.inputs + 1)
            let w2Std = 0.1 / Double(architecture.hidden).squareRoot()
            for i in 0..<(architecture.outputs * architecture.hidden) {
                p[w2Offset + i] = Float(generator.normal() * w2Std)
            }
        }
        for (o, value) in prior.enumerated() {
            p[architecture.outputBiasOffset + o] = Float(log(max(Double(value), 1e-8)))
        }
        return HeadWeights(architecture: architecture, parameters: p, experts: experts)
    }
}
