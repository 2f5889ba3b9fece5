public import ArgumentParser

/// Options of zooter-reward beyond the shared server options.
public struct RewardOptions: ParsableArguments, Sendable {
    public init() {}
}
