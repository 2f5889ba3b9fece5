/// The experts one request may go to, in the order to try them, and what the router said.
struct RoutingPlan: Sendable {
    var ranking: [String]
    /// The router's probability for each ranked expert (empty for pass-through requests).
    var probabilities: [String: Double] = [:]
    /// The router model's version (nil for pass-through requests).
    var modelVersion: String?
    /// Whether the router chose (false: the client named an expert).
    var routed: Bool
}
