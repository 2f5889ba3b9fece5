public import ArgumentParser
import Foundation

/// Options of zooter-reward beyond the shared server and encoder options.
public struct RewardOptions: ParsableArguments, Sendable {
    @Option(help: "The reward model written by `zooter-trainer train-reward` (a directory or its reward-model.safetensors).")
    public var scorer: String?

    @Option(name: .customLong("scorer-url"), help: "Score with a reward model behind this HTTP endpoint instead (docs/reward-backends.md).")
    public var scorerURL: String?

    @Option(name: .customLong("scorer-api-key-env"), help: "Environment variable holding the --scorer-url endpoint's API key.")
    public var scorerAPIKeyEnvironment: String?

    @Option(name: .customLong("scorer-version"), help: "Version of the --scorer-url model: part of every score's identity (cache keys, the exchange log's scorer).")
    public var scorerVersion = "1"

    @Option(name: .customLong("scorer-timeout-seconds"), help: "How long one --scorer-url call may take.")
    public var scorerTimeoutSeconds = 30

    @Option(name: .customLong("cache-entries"), help: "Scores kept in the content-hash cache.")
    public var cacheEntries = 200_000

    @Option(name: .customLong("replica-id"), help: "Name reported by Info (default: the host name).")
    public var replicaID: String?

    public init() {}

    public func validate() throws {
        guard cacheEntries >= 0 else { throw ValidationError("--cache-entries must be 0 (no cache) or more") }
        guard (scorer == nil) != (scorerURL == nil) else { throw ValidationError("give exactly one of --scorer (a fitted reward model) and --scorer-url (an HTTP reward model)") }
        if let scorerURL {
            guard let url = URL(string: scorerURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("--scorer-url must be an http or https URL")
            }
        } else if scorerAPIKeyEnvironment != nil {
            throw ValidationError("--scorer-api-key-env goes with --scorer-url")
        }
        if let variable = scorerAPIKeyEnvironment, (ProcessInfo.processInfo.environment[variable] ?? "").isEmpty {
            throw ValidationError("--scorer-api-key-env names \(variable), which is not set")
        }
        guard scorerTimeoutSeconds > 0 else { throw ValidationError("--scorer-timeout-seconds must be positive") }
    }
}
