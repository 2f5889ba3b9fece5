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

    @Option(name: .customLong("scorer-timeout-seconds"), help: "How long one --scorer-url or judge call may take.")
    public var scorerTimeoutSeconds = 30

    @Option(name: .customLong("judge-url"), help: "Score with an LLM judge behind this OpenAI-compatible base URL instead (…/v1; docs/reward-backends.md).")
    public var judgeURL: String?

    @Option(name: .customLong("judge-model"), help: "The judge's model id.")
    public var judgeModel: String?

    @Option(name: .customLong("cache-entries"), help: "Scores kept in the content-hash cache.")
    public var cacheEntries = 200_000

    @Option(name: .customLong("replica-id"), help: "Name reported by Info (default: the host name).")
    public var replicaID: String?

    public init() {}

    public func validate() throws {
        guard cacheEntries >= 0 else { throw ValidationError("--cache-entries must be 0 (no cache) or more") }
        guard [scorer, scorerURL, judgeURL].compactMap({ $0 }).count == 1 else {
            throw ValidationError("give exactly one of --scorer (a fitted reward model), --scorer-url (an HTTP reward model) and --judge-url (an LLM judge)")
        }
        for (flag, value) in [("--scorer-url", scorerURL), ("--judge-url", judgeURL)] {
            guard let value else { continue }
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("\(flag) must be an http or https URL")
            }
        }
        if scorerAPIKeyEnvironment != nil && scorer != nil { throw ValidationError("--scorer-api-key-env goes with --scorer-url or --judge-url") }
        if (judgeURL == nil) != (judgeModel == nil) { throw ValidationError("--judge-url and --judge-model go together") }
        if let variable = scorerAPIKeyEnvironment, (ProcessInfo.processInfo.environment[variable] ?? "").isEmpty {
            throw ValidationError("--scorer-api-key-env names \(variable), which is not set")
        }
        guard scorerTimeoutSeconds > 0 else { throw ValidationError("--scorer-timeout-seconds must be positive") }
    }
}
