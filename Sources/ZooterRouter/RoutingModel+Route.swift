import ZooterCore
import ZooterRPC
import ZooterServiceKit
import ZooterWire

extension RoutingModel {
    /// Ranks the allowed experts for one query by `RoutingDecision.decide`, the rule
    /// evaluation uses too (see router.proto: renormalised over allowed experts, score =
    /// p − λ·cost, ties in manifest order, confidence fallback).
    func answer(_ request: RouteRequest, probabilities: ArraySlice<Float>) -> RouteResponse {
        let experts = manifest.experts
        let allowed: [Bool]? = request.allowedExperts.isEmpty ? nil : {
            let names = Set(request.allowedExperts)
            return experts.map { names.contains($0.name) }
        }()
        let decision = RoutingDecision.decide(
            probabilities: probabilities, costs: costs, costWeight: request.costWeight, allowed: allowed,
            threshold: manifest.confidenceThreshold, fallback: fallbackIndex)
        var ranked = decision.ranked.map {
            ExpertScore(expert: experts[$0.expert].name, probability: $0.probability, cost: $0.cost, score: $0.score)
        }
        if request.topK > 0, ranked.count > Int(request.topK) { ranked = Array(ranked.prefix(Int(request.topK))) }
        return RouteResponse(
            ranked: ranked, chosen: experts[decision.chosen].name, modelVersion: manifest.modelVersion,
            requestID: request.requestID, fallbackUsed: decision.fallbackUsed)
    }

    /// The manifest's fallback expert as an index, when the threshold is on.
    var fallbackIndex: Int? {
        guard manifest.confidenceThreshold > 0 else { return nil }
        return manifest.experts.firstIndex { $0.name == manifest.fallbackExpert }
    }

    /// Checks a request against this model; the message says what to fix.
    func validate(_ request: RouteRequest) throws(RPCError) {
        try TextLimit.check(request.query, field: "query")
        if request.query.allSatisfy(\.isWhitespace) {
            throw RPCError(code: .invalidArgument, message: "query is empty: send the text to route")
        }
        guard request.costWeight.isFinite, request.costWeight >= 0 else {
            throw RPCError(code: .invalidArgument, message: "cost_weight must be a finite number ≥ 0, got \(request.costWeight)")
        }
        guard request.requestID.utf8.count <= 128 else {
            throw RPCError(code: .invalidArgument, message: "request_id is longer than 128 bytes")
        }
        let names = Set(manifest.experts.map(\.name))
        if let unknown = request.allowedExperts.first(where: { !names.contains($0) }) {
            throw RPCError(code: .invalidArgument,
                           message: "unknown expert '\(RPCError.quote(unknown))' in allowed_experts; this model routes to \(manifest.experts.map(\.name).joined(separator: ", "))")
        }
    }
}
