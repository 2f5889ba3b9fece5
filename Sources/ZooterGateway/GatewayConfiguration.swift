public import Foundation
public import ZooterRPC
import ZooterServiceKit

/// The gateway's configuration file (JSON; docs/gateway.md documents every setting): the router
/// replicas, the experts' endpoints, fallback, limits and the tenants file. Unknown settings are
/// refused, so a misspelt limit never leaves the default in force unnoticed.
public struct GatewayConfiguration: Sendable {
    /// Router replicas: a comma-separated `host:port` list or a DNS name in front of them.
    public var routerTargets: String
    public var routerClient: ClientConfiguration
    /// How long one routing decision may take before the request fails with 503.
    public var routeTimeout: Duration
    public var experts: [ExpertEndpoint]
    /// Experts tried per request, the first included (fallback goes down the ranking).
    public var fallbackAttempts: Int
    public var maxRequestBytes: Int
    public var maxResponseBytes: Int
    /// Requests in progress across the gateway; more are refused with 429 at once.
    public var maxConcurrentRequests: Int
    /// Consecutive failures that open an expert's circuit, and how long it stays open.
    public var breakerFailures: Int
    public var breakerOpen: Duration
    /// API keys and their policies; nil: every caller is served anonymously (needs
    /// `--allow-anonymous`).
    public var tenantsFile: String?
    /// Reward service replicas, for top-k requests (nil: top-k is refused).
    public var rewardTargets: String?
    public var rewardClient = ClientConfiguration()
    public var rewardTimeout: Duration = .seconds(10)
    /// Largest `top_k` a request may ask for: each one is a call to an expert.
    public var maxTopK = 4
    /// The live reward loop's log (nil: nothing is logged).
    public var exchangeLog: ExchangeLogSettings?
    /// Tagger replicas that tag logged exchanges (nil: logged without tags).
    public var taggerTargets: String?
    public var taggerClient = ClientConfiguration()

    public init(routerTargets: String, routerClient: ClientConfiguration = ClientConfiguration(), routeTimeout: Duration = .seconds(2),
                experts: [ExpertEndpoint], fallbackAttempts: Int = 3, maxRequestBytes: Int = 1 << 20, maxResponseBytes: Int = 16 << 20,
                maxConcurrentRequests: Int = 1024, breakerFailures: Int = 5, breakerOpen: Duration = .seconds(30), tenantsFile: String? = nil) {
        self.routerTargets = routerTargets
        self.routerClient = routerClient
        self.routeTimeout = routeTimeout
        self.experts = experts
        self.fallbackAttempts = fallbackAttempts
        self.maxRequestBytes = maxRequestBytes
        self.maxResponseBytes = maxResponseBytes
        self.maxConcurrentRequests = maxConcurrentRequests
        self.breakerFailures = breakerFailures
        self.breakerOpen = breakerOpen
        self.tenantsFile = tenantsFile
    }

    /// The expert called `name`, if configured.
    public func expert(named name: String) -> ExpertEndpoint? { experts.first { $0.name == name } }

    static let settings: Set<String> = ["router", "reward", "experts", "fallback_attempts", "max_top_k", "limits", "circuit_breaker", "tenants_file", "exchange_log", "tagger"]
    static let routerSettings: Set<String> = ["targets", "timeout_ms", "tls_ca", "tls_cert", "tls_key", "tls_server_name", "plaintext"]
    static let limitSettings: Set<String> = ["max_request_bytes", "max_response_bytes", "max_concurrent_requests"]
    static let breakerSettings: Set<String> = ["failures", "open_seconds"]

    /// Reads and validates the file at `path`; relative paths inside it (tenants file, router CA)
    /// are taken relative to the file's folder. API keys come from `environment`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(GatewayError) -> GatewayConfiguration {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .configuration("cannot read the gateway configuration \(path): \(error.localizedDescription)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        return try parse(data, name: path, folder: folder, environment: environment)
    }

    static func parse(_ data: Data, name: String, folder: URL, environment: [String: String]) throws(GatewayError) -> GatewayConfiguration {
        let root = try StrictJSON.object(data, what: name)
        try StrictJSON.checkKeys(root, known: settings, in: name)
        func resolve(_ path: String?) -> String? {
            guard let path else { return nil }
            return path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
        }

        guard let router = try StrictJSON.child(root, "router", in: name),
              let targets = try StrictJSON.string(router, "targets", in: "router"), !targets.isEmpty else {
            throw .configuration("\(name): \"router\": {\"targets\": \"host:port[,host:port...]\"} is required")
        }
        try StrictJSON.checkKeys(router, known: routerSettings, in: "router")
        let routerClient = try clientConfiguration(router, section: "router", targets: targets, resolve: resolve)
        let routeTimeout = try StrictJSON.integer(router, "timeout_ms", in: "router", range: 1...60_000) ?? 2000

        guard let list = root["experts"] as? [[String: Any]], !list.isEmpty else {
            throw .configuration("\(name): \"experts\" must be a non-empty list of {\"name\", \"base_url\", ...}")
        }
        var experts: [ExpertEndpoint] = []
        for (index, object) in list.enumerated() {
            let expert = try ExpertEndpoint.parse(object, index: index, environment: environment)
            guard expert.name != GatewayService.routedModel else {
                throw .configuration("experts[\(index)]: \"\(GatewayService.routedModel)\" is the name clients use to ask for routing; rename the expert")
            }
            guard !experts.contains(where: { $0.name == expert.name }) else {
                throw .configuration("experts[\(index)]: \"\(expert.name)\" is configured twice")
            }
            experts.append(expert)
        }

        let limits = try StrictJSON.child(root, "limits", in: name) ?? [:]
        try StrictJSON.checkKeys(limits, known: limitSettings, in: "limits")
        let breaker = try StrictJSON.child(root, "circuit_breaker", in: name) ?? [:]
        try StrictJSON.checkKeys(breaker, known: breakerSettings, in: "circuit_breaker")
        var configuration = GatewayConfiguration(
            routerTargets: targets, routerClient: routerClient, routeTimeout: .milliseconds(routeTimeout), experts: experts,
            fallbackAttempts: try StrictJSON.integer(root, "fallback_attempts", in: name, range: 1...16) ?? 3,
            maxRequestBytes: try StrictJSON.integer(limits, "max_request_bytes", in: "limits", range: 1024...(64 << 20)) ?? (1 << 20),
            maxResponseBytes: try StrictJSON.integer(limits, "max_response_bytes", in: "limits", range: 1024...(1 << 30)) ?? (16 << 20),
            maxConcurrentRequests: try StrictJSON.integer(limits, "max_concurrent_requests", in: "limits", range: 1...1_000_000) ?? 1024,
            breakerFailures: try StrictJSON.integer(breaker, "failures", in: "circuit_breaker", range: 1...1000) ?? 5,
            breakerOpen: .seconds(try StrictJSON.integer(breaker, "open_seconds", in: "circuit_breaker", range: 1...3600) ?? 30),
            tenantsFile: resolve(try StrictJSON.string(root, "tenants_file", in: name)))
        if let reward = try StrictJSON.child(root, "reward", in: name) {
            try StrictJSON.checkKeys(reward, known: routerSettings, in: "reward")
            guard let targets = try StrictJSON.string(reward, "targets", in: "reward"), !targets.isEmpty else {
                throw .configuration("reward: \"targets\" is required (the reward service replicas, host:port[,host:port...])")
            }
            configuration.rewardTargets = targets
            configuration.rewardClient = try clientConfiguration(reward, section: "reward", targets: targets, resolve: resolve)
            configuration.rewardTimeout = .milliseconds(try StrictJSON.integer(reward, "timeout_ms", in: "reward", range: 1...300_000) ?? 10_000)
        }
        configuration.maxTopK = try StrictJSON.integer(root, "max_top_k", in: name, range: 1...16) ?? 4
        if let log = try StrictJSON.child(root, "exchange_log", in: name) {
            configuration.exchangeLog = try ExchangeLogSettings.parse(log, resolve: resolve)
        }
        if let tagger = try StrictJSON.child(root, "tagger", in: name) {
            try StrictJSON.checkKeys(tagger, known: routerSettings.subtracting(["timeout_ms"]), in: "tagger")
            guard let targets = try StrictJSON.string(tagger, "targets", in: "tagger"), !targets.isEmpty else {
                throw .configuration("tagger: \"targets\" is required (the tagger replicas, host:port[,host:port...])")
            }
            configuration.taggerTargets = targets
            configuration.taggerClient = try clientConfiguration(tagger, section: "tagger", targets: targets, resolve: resolve)
        }
        return configuration
    }

    /// How the gateway connects to the routers or reward replicas (`section`): TLS when a CA is
    /// given, else plaintext, which a target off this machine needs `"plaintext": true` for (the
    /// rule the trainer's flags follow).
    static func clientConfiguration(_ block: [String: Any], section: String, targets: String, resolve: (String?) -> String?) throws(GatewayError) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        let ca = resolve(try StrictJSON.string(block, "tls_ca", in: section))
        let certificate = resolve(try StrictJSON.string(block, "tls_cert", in: section))
        let key = resolve(try StrictJSON.string(block, "tls_key", in: section))
        let serverName = try StrictJSON.string(block, "tls_server_name", in: section)
        let plaintext = try StrictJSON.bool(block, "plaintext", in: section) ?? false
        guard (certificate == nil) == (key == nil) else { throw .configuration("\(section): \"tls_cert\" and \"tls_key\" go together") }
        if let ca {
            guard !plaintext else { throw .configuration("\(section): \"plaintext\" contradicts \"tls_ca\"") }
            configuration.tls = ClientTLS(caPath: ca, certificateChainPath: certificate, privateKeyPath: key, serverName: serverName)
            return configuration
        }
        guard certificate == nil, serverName == nil else { throw .configuration("\(section): \"tls_cert\" and \"tls_server_name\" need \"tls_ca\"") }
        let remote = targets.split(separator: ",").first { !NetworkAddress.isLoopback(NetworkAddress.host(ofTarget: $0)) }
        if let remote, !plaintext {
            throw .configuration("\(section): \(remote.trimmingCharacters(in: .whitespaces)) is not on this machine: set \"tls_ca\" to connect over TLS, or \"plaintext\": true")
        }
        return configuration
    }
}
