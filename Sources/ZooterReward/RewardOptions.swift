public import ArgumentParser

/// Options of zooter-reward beyond the shared server and encoder options.
public struct RewardOptions: ParsableArguments, Sendable {
    @Option(help: "The reward model written by `zooter-trainer train-reward` (a directory or its reward-model.safetensors).")
    public var scorer: String

    @Option(name: .customLong("cache-entries"), help: "Scores kept in the content-hash cache.")
    public var cacheEntries = 200_000

    @Option(name: .customLong("replica-id"), help: "Name reported by Info (default: the host name).")
    public var replicaID: String?

    public init() {}

    public func validate() throws {
        guard cacheEntries >= 0 else { throw ValidationError("--cache-entries must be 0 (no cache) or more") }
    }
}
