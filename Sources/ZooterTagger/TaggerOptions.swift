public import ArgumentParser

/// Options of zooter-tagger beyond the shared server options.
public struct TaggerOptions: ParsableArguments, Sendable {
    public init() {}
}
