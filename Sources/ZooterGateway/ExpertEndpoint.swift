import Foundation

/// One expert the gateway forwards to: deployment configuration (where it runs, which key it
/// takes, how long and how many calls it is given), not part of the trained artifact. The router
/// names experts; this is where a name becomes an OpenAI-compatible endpoint.
public struct ExpertEndpoint: Sendable, Equatable {
    /// The name the router's model and clients use.
    public var name: String
    /// The OpenAI-compatible base URL, as the official clients take it (`https://host/v1`):
    /// requests go to `<baseURL>/chat/completions`.
    public var baseURL: String
    /// The model id the upstream expects in its requests (defaults to `name`).
    public var upstreamModel: String
    /// The API key, read from the environment variable the configuration names (never from the
    /// file itself, which is often committed or mounted world-readable).
    public var apiKey: String?
    /// How long the upstream has to send its response head, and the longest pause between two
    /// chunks of its body.
    public var timeout: Duration
    /// Calls in flight to this expert; further ones go to the next expert in the ranking.
    public var maxConcurrent: Int
    /// Estimated USD per request, plus per million prompt and completion tokens (from the
    /// upstream's `usage`, when it reports one): what tenant cost budgets are charged.
    public var usdPerRequest: Double
    public var usdPerMillionInputTokens: Double
    public var usdPerMillionOutputTokens: Double

    public init(name: String, baseURL: String, upstreamModel: String? = nil, apiKey: String? = nil,
                timeout: Duration = .seconds(60), maxConcurrent: Int = 64,
                usdPerRequest: Double = 0, usdPerMillionInputTokens: Double = 0, usdPerMillionOutputTokens: Double = 0) {
        self.name = name
        self.baseURL = baseURL
        self.upstreamModel = upstreamModel ?? name
        self.apiKey = apiKey
        self.timeout = timeout
        self.maxConcurrent = maxConcurrent
        self.usdPerRequest = usdPerRequest
        self.usdPerMillionInputTokens = usdPerMillionInputTokens
        self.usdPerMillionOutputTokens = usdPerMillionOutputTokens
    }

    public var chatCompletionsURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/chat/completions"
    }

    /// The estimated cost of one answered request, given the token counts the upstream reported.
    func estimatedCost(promptTokens: Int, completionTokens: Int) -> Double {
        usdPerRequest + (Double(promptTokens) * usdPerMillionInputTokens + Double(completionTokens) * usdPerMillionOutputTokens) / 1e6
    }

    static let settings: Set<String> = [
        "name", "base_url", "model", "api_key_env", "timeout_seconds", "max_concurrent",
        "usd_per_request", "usd_per_million_input_tokens", "usd_per_million_output_tokens",
    ]

    /// One entry of the configuration's `experts` list.
    static func parse(_ object: [String: Any], index: Int, environment: [String: String]) throws(GatewayError) -> ExpertEndpoint {
        let context = "experts[\(index)]"
        try StrictJSON.checkKeys(object, known: settings, in: context)
        guard let name = try StrictJSON.string(object, "name", in: context), !name.isEmpty else {
            throw .configuration("\(context): \"name\" is required (the expert's name in the router's model)")
        }
        let where_ = "expert \"\(name)\""
        guard let baseURL = try StrictJSON.string(object, "base_url", in: where_) else {
            throw .configuration("\(where_): \"base_url\" is required (e.g. \"https://api.example.com/v1\")")
        }
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty, url.query == nil, url.fragment == nil else {
            throw .configuration("\(where_): \"base_url\" must be an http or https URL without query or fragment, got \"\(baseURL)\"")
        }
        var apiKey: String?
        if let variable = try StrictJSON.string(object, "api_key_env", in: where_) {
            guard let value = environment[variable], !value.isEmpty else {
                throw .configuration("\(where_): the environment variable \(variable) named by \"api_key_env\" is not set")
            }
            apiKey = value
        }
        let timeout = try StrictJSON.number(object, "timeout_seconds", in: where_) ?? 60
        guard timeout > 0, timeout <= 3600 else { throw .configuration("\(where_): \"timeout_seconds\" must be in (0, 3600]") }
        let prices = try ["usd_per_request", "usd_per_million_input_tokens", "usd_per_million_output_tokens"].map { key throws(GatewayError) in
            let price = try StrictJSON.number(object, key, in: where_) ?? 0
            guard price >= 0 else { throw .configuration("\(where_): \"\(key)\" must be 0 or more") }
            return price
        }
        return ExpertEndpoint(
            name: name, baseURL: baseURL, upstreamModel: try StrictJSON.string(object, "model", in: where_), apiKey: apiKey,
            timeout: .milliseconds(Int64(timeout * 1000)),
            maxConcurrent: try StrictJSON.integer(object, "max_concurrent", in: where_, range: 1...100_000) ?? 64,
            usdPerRequest: prices[0], usdPerMillionInputTokens: prices[1], usdPerMillionOutputTokens: prices[2])
    }
}
