import Foundation

/// What fine-tuning needs besides the frozen embeddings: the encoder's parameters, each query's
/// hidden states below the trained layers, and the recipe.
public struct FineTuningInputs: Sendable {
    public var parameters: EncoderParameters
    /// Per dataset row, the hidden states after the frozen `layerCount − configuration.layers`
    /// layers, `[tokens][H]` (`TextEncoder.hiddenStates(tokenIDs:layers:)`).
    public var lower: [[Float]]
    public var configuration: FineTuningConfiguration
    /// Tokens that went through the frozen layers, and the seconds that took.
    public var tokens: Int = 0
    public var seconds: Double = 0

    public init(parameters: EncoderParameters, lower: [[Float]], configuration: FineTuningConfiguration) {
        self.parameters = parameters
        self.lower = lower
        self.configuration = configuration
    }

    /// Tokenizes `queries` (truncated to `configuration.maxTokens`) and runs them once through the
    /// frozen lower layers on `encoder`'s serving kernels. `encoder` must load the same weights
    /// as `parameters` (the trained layers start from them).
    public static func prepare(encoder: TextEncoder, parameters: EncoderParameters, queries: [String],
                               configuration: FineTuningConfiguration) throws -> FineTuningInputs {
        try configuration.validate(layerCount: parameters.configuration.layerCount)
        let started = ContinuousClock.now
        let ids = queries.map { encoder.tokenize($0, limit: configuration.maxTokens) }
        let lower = try encoder.hiddenStates(tokenIDs: ids, layers: parameters.configuration.layerCount - configuration.layers)
        var inputs = FineTuningInputs(parameters: parameters, lower: lower, configuration: configuration)
        inputs.tokens = ids.reduce(0) { $0 + $1.count }
        let elapsed = ContinuousClock.now - started
        inputs.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return inputs
    }
}
