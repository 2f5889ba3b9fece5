extension TextEncoder {
    /// Each sequence's hidden states after the first `layers` layers (0: the embedding output),
    /// `[tokens][H]` per sequence, on the serving kernels: what top-N fine-tuning keeps of the
    /// frozen lower layers, computed once per dataset. Sequences must be valid (as for `embed`).
    public func hiddenStates(tokenIDs: [[Int32]], layers: Int) throws -> [[Float]] {
        guard (0...weights.configuration.layerCount).contains(layers) else {
            throw CoreError.encoderInput("hidden states after \(layers) layers; the model has \(weights.configuration.layerCount)")
        }
        try validate(tokenIDs: tokenIDs)
        let h = dimension
        var states: [[Float]] = []
        states.reserveCapacity(tokenIDs.count)
        var first = 0
        while first < tokenIDs.count {
            var end = first, tokens = 0
            while end < tokenIDs.count, end == first || tokens + tokenIDs[end].count <= tokenBudget {
                tokens += tokenIDs[end].count
                end += 1
            }
            let batch = PackedBatch(Array(tokenIDs[first..<end]))
            workspaces.withWorkspace(tokens: batch.tokenCount, configuration: weights.configuration) { workspace in
                BertEncoder.forward(batch, weights: weights, threads: threads, layers: layers, workspace: &workspace)
                for range in batch.ranges {
                    states.append(Array(workspace.hidden[(range.lowerBound * h)..<(range.upperBound * h)]))
                }
            }
            first = end
        }
        return states
    }
}
