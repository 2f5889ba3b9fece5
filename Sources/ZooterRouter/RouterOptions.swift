public import ArgumentParser

/// Options of zooter-router beyond the shared server options.
public struct RouterOptions: ParsableArguments, Sendable {
    public init() {}
}
