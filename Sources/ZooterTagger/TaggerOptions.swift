public import ArgumentParser

/// Options of zooter-tagger beyond the shared server and encoder options.
public struct TaggerOptions: ParsableArguments, Sendable {
    @Option(help: "A taxonomy JSON file to use instead of the built-in one.")
    public var taxonomy: String?

    @Option(help: "Latent-tag centroids written by the trainer (safetensors with a 'centroids' tensor).")
    public var centroids: String?

    @Option(name: .customLong("min-z"), help: "Calibrated z-score a taxonomy tag needs to fire.")
    public var minZ: Float = 2.0

    public init() {}
}
