import Foundation

/// The result of fine-tuning: the trained top layers and the head trained with them. Applied to
/// the hidden states of the frozen lower layers (`TextEncoder.hiddenStates(tokenIDs:layers:)`)
/// it gives the fine-tuned router's embeddings and probabilities.
public struct FineTunedEncoder: Sendable {
    public let configuration: FineTuningConfiguration
    let bertConfiguration: BertConfiguration
    /// Index of the first trained layer (= the number of frozen layers below).
    public let firstTrainedLayer: Int
    var layers: [LayerParameters]
    public internal(set) var head: HeadWeights
    /// Epoch 0 (as given) and every trained epoch; `bestEpoch` indexes it.
    public internal(set) var history: [FineTuningEpoch]
    public internal(set) var bestEpoch: Int

    /// L2-normalised embeddings of `lower[rows[i]]` (each `[tokens][H]`), one row per entry of `rows`.
    public func embeddings(lower: [[Float]], rows: [Int]) -> Matrix {
        let h = bertConfiguration.hiddenSize, budget = 4096
        var output = Matrix(rows: rows.count, columns: h)
        var first = 0
        while first < rows.count {
            var end = first, tokens = 0
            while end < rows.count, end == first || tokens + lower[rows[end]].count / h <= budget {
                tokens += lower[rows[end]].count / h
                end += 1
            }
            var (hidden, ranges) = Self.pack(lower, rows: Array(rows[first..<end]), hidden: h)
            for layer in layers {
                hidden = TrainableLayer.forward(hidden, sequences: ranges, parameters: layer,
                                                configuration: bertConfiguration, threads: configuration.threads).output
            }
            Kernels.meanPoolNormalize(hidden, columns: h, sequences: ranges, into: &output.values, firstRow: first)
            first = end
        }
        return output
    }

    /// Expert probabilities `[rows.count][experts]`.
    public func probabilities(lower: [[Float]], rows: [Int]) -> Matrix {
        RouterHead(weights: head).probabilities(embeddings(lower: lower, rows: rows))
    }

    /// Writes the trained layers into `parameters` under their checkpoint names.
    public func apply(to parameters: inout EncoderParameters) {
        for (offset, layer) in layers.enumerated() {
            parameters.tensors.merge(layer.checkpointTensors(names: parameters.names, layer: firstTrainedLayer + offset)) { $1 }
        }
    }

    /// The rows' hidden states concatenated, and each one's token range.
    static func pack(_ lower: [[Float]], rows: [Int], hidden h: Int) -> ([Float], [Range<Int>]) {
        var packed: [Float] = []
        packed.reserveCapacity(rows.reduce(0) { $0 + lower[$1].count })
        var ranges: [Range<Int>] = []
        for row in rows {
            let start = packed.count / h
            packed.append(contentsOf: lower[row])
            ranges.append(start..<(packed.count / h))
        }
        return (packed, ranges)
    }
}
