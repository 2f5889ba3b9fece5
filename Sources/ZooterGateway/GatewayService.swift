import AsyncHTTPClient
import CoreMetrics
import Foundation
import HTTPTypes
public import Logging
public import ServiceLifecycle
import Synchronization
import ZooterClient

/// The gateway's request handling, independent of the HTTP server in front of it: who the caller
/// is, where the request goes (the router's ranking, or the expert the client named), and the
/// forwarding with fallback (`GatewayService+Forwarding.swift`). As a `Service` it owns the
/// connections to the router and the experts and closes them at shutdown.
public final class GatewayService: Service, Sendable {
    /// The model name that asks for routing; any other name must be a configured expert.
    public static let routedModel = "zooter"

    public let configuration: GatewayConfiguration
    /// nil: anonymous callers are served (`--allow-anonymous`).
    let tenants: TenantDirectory?
    let slots: [String: ExpertSlot]
    let routerConnection: GRPCClient
    let router: RouterClient
    /// The reward replicas top-k requests and the exchange log are scored on (nil: none configured).
    let rewardConnection: GRPCClient?
    /// The live reward loop's log (nil: not configured).
    let recorder: ExchangeRecorder?
    let ledger = BudgetLedger()
    let metrics = GatewayMetrics()
    let inFlight = Atomic<Int>(0)
    let logger: Logger
    /// The experts of the router's current model, for restricting a tenant's choice to names the
    /// model knows (the router refuses unknown ones). Refreshed when a new version shows up.
    private let modelExperts = Mutex<(version: String, names: Set<String>)?>(nil)

    public init(configuration: GatewayConfiguration, tenants: TenantDirectory?, logger: Logger) throws {
        self.configuration = configuration
        self.tenants = tenants
        self.logger = logger
        slots = Dictionary(uniqueKeysWithValues: configuration.experts.map {
            ($0.name, ExpertSlot(endpoint: $0, breakerFailures: configuration.breakerFailures, breakerOpen: configuration.breakerOpen))
        })
        routerConnection = try GRPCClient(target: configuration.routerTargets, configuration: configuration.routerClient)
        router = RouterClient(client: routerConnection)
        let rewardConnection = try configuration.rewardTargets.map { try GRPCClient(target: $0, configuration: configuration.rewardClient) }
        self.rewardConnection = rewardConnection
        let tagger = try configuration.taggerTargets.map { try GRPCClient(target: $0, configuration: configuration.taggerClient) }
        recorder = try configuration.exchangeLog.map {
            try ExchangeRecorder(settings: $0, reward: rewardConnection, rewardTimeout: configuration.rewardTimeout, tagger: tagger, logger: logger)
        }
        for expert in configuration.experts { metrics.circuit(expert.name, open: false) }
    }

    /// Runs until shutdown, then closes the connections (after the HTTP server has drained).
    public func run() async throws {
        try? await gracefulShutdown()
        for slot in slots.values { await slot.shutdown() }
        await routerConnection.close()
        await rewardConnection?.close()
    }

    /// The experts the caller may ask for by name, in configuration order.
    func visibleExperts(for tenant: Tenant?) -> [ExpertEndpoint] {
        configuration.experts.filter { tenant?.allows($0.name) ?? true }
    }

    /// Authenticates the caller: its tenant, nil for an anonymous gateway, or a 401.
    func authenticate(_ authorization: String?) throws(OpenAIError) -> Tenant? {
        guard let tenants else { return nil }
        guard let tenant = tenants.authenticate(authorization: authorization) else {
            metrics.tripped(.authentication)
            throw OpenAIError(.unauthorized, authorization == nil
                              ? "no API key: send `Authorization: Bearer <key>`"
                              : "incorrect API key", type: "authentication_error", code: "invalid_api_key")
        }
        return tenant
    }

    /// Refuses a model name that is neither "zooter" nor a configured expert the caller may use
    /// (checked before the budget is charged and before the router is asked).
    func checkModel(_ request: ChatCompletionRequest, tenant: Tenant?) throws(OpenAIError) {
        guard request.model != Self.routedModel else { return }
        guard slots[request.model] != nil else {
            throw OpenAIError(.notFound, "the model `\(request.model)` does not exist: use \"\(Self.routedModel)\" or one of \(visibleExperts(for: tenant).map(\.name).joined(separator: ", "))",
                              type: "invalid_request_error", code: "model_not_found")
        }
        guard tenant?.allows(request.model) ?? true else {
            metrics.tripped(.permission)
            throw OpenAIError(.forbidden, "tenant \(tenant?.name ?? "") may not use the model `\(request.model)`", type: "permission_error", code: "model_not_allowed")
        }
    }

    /// Where a request goes: the router's ranking for `model: "zooter"`, else the named expert.
    func plan(_ request: ChatCompletionRequest, tenant: Tenant?, requestID: String) async throws(OpenAIError) -> RoutingPlan {
        guard request.model == Self.routedModel else {
            try checkModel(request, tenant: tenant)
            return RoutingPlan(ranking: [request.model], routed: false)
        }
        let allowed = try await allowedExperts(for: tenant)
        let started = ContinuousClock.now
        let decision: RouteResponse
        do {
            decision = try await router.route(request.routedText, costWeight: tenant?.costWeight ?? 0, allowedExperts: allowed,
                                              requestID: requestID, timeout: configuration.routeTimeout)
        } catch {
            throw OpenAIError(.serviceUnavailable, "the router could not rank the experts: \(Self.describe(error))",
                              type: "server_error", code: "router_unavailable", retryAfterSeconds: 1)
        }
        metrics.routingDuration.recordNanoseconds(ExpertCall.nanoseconds(ContinuousClock.now - started))
        noteModelVersion(decision)
        // The chosen expert first (it may be the confident-fallback expert), then the ranking.
        let order = [decision.chosen] + decision.ranked.map(\.expert).filter { $0 != decision.chosen }
        let ranking = order.filter { slots[$0] != nil && (tenant?.allows($0) ?? true) }
        guard !ranking.isEmpty else {
            throw OpenAIError(.serviceUnavailable, "the router's model (\(decision.modelVersion)) ranks no expert this gateway is configured to reach",
                              type: "server_error", code: "no_configured_expert")
        }
        return RoutingPlan(ranking: ranking, probabilities: Dictionary(decision.ranked.map { ($0.expert, $0.probability) }, uniquingKeysWith: { a, _ in a }),
                           modelVersion: decision.modelVersion, routed: true)
    }

    /// `allowed_experts` for the router: empty (all) for an unrestricted tenant, else the
    /// tenant's experts that the router's model knows.
    private func allowedExperts(for tenant: Tenant?) async throws(OpenAIError) -> [String] {
        guard let allowed = tenant?.allowedExperts else { return [] }
        var known = modelExperts.withLock { $0?.names }
        if known == nil {
            do {
                let info = try await router.modelInfo(timeout: configuration.routeTimeout)
                if let manifest = info.manifest {
                    let names = Set(manifest.experts.map(\.name))
                    modelExperts.withLock { $0 = (manifest.modelVersion, names) }
                    known = names
                }
            } catch {
                throw OpenAIError(.serviceUnavailable, "the router could not be asked for its model: \(Self.describe(error))",
                                  type: "server_error", code: "router_unavailable", retryAfterSeconds: 1)
            }
        }
        let usable = allowed.intersection(known ?? allowed).sorted()
        guard !usable.isEmpty else {
            metrics.tripped(.permission)
            throw OpenAIError(.forbidden, "none of the experts tenant \(tenant?.name ?? "") may use is in the router's model",
                              type: "permission_error", code: "model_not_allowed")
        }
        return usable
    }

    /// A route from a model version other than the cached one: the cache is dropped and read
    /// again on the next restricted request.
    private func noteModelVersion(_ decision: RouteResponse) {
        modelExperts.withLock { cached in
            if let current = cached, current.version != decision.modelVersion { cached = nil }
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? RPCError { return "\(error.code): \(error.message)" }
        return "\(error)"
    }
}
