import ZooterCore
import ZooterRPC
import ZooterServiceKit
import ZooterWire

extension RoutingModel {
    /// Ranks every expert for one query from the head's probabilities.
    ///
    /// score = p − λ·cost (λ = the request's cost weight); experts outside `allowedExperts` are
    /// ranked last and never chosen. When the top probability is under the manifest's confidence
    /// threshold, the fallback expert (the best single model on the training data) is chosen.
    func answer(_ request: RouteRequest, probabilities: ArraySlice<Float>) -> RouteResponse {
        let experts = manifest.experts
        let allowed = request.allowedExperts.isEmpty ? nil : Set(request.allowedExperts)
        var ranked: [ExpertScore] = []
        ranked.reserveCapacity(experts.count)
        for (index, expert) in experts.enumerated() {
            let p = Double(probabilities[probabilities.startIndex + index])
            let score = p - request.costWeight * costs[index]
            ranked.append(ExpertScore(expert: expert.name, probability: p, cost: costs[index], score: score))
        }
        ranked.sort { lhs, rhs in
            let lhsAllowed = allowed?.contains(lhs.expert) ?? true
            let rhsAllowed = allowed?.contains(rhs.expert) ?? true
            if lhsAllowed != rhsAllowed { return lhsAllowed }
            return lhs.score != rhs.score ? lhs.score > rhs.score : lhs.expert < rhs.expert
        }
        var chosen = ranked.first?.expert ?? ""
        var fallbackUsed = false
        let topProbability = ranked.map(\.probability).max() ?? 0
        if manifest.confidenceThreshold > 0, topProbability < manifest.confidenceThreshold,
           !manifest.fallbackExpert.isEmpty, allowed?.contains(manifest.fallbackExpert) ?? true {
            chosen = manifest.fallbackExpert
            fallbackUsed = true
        }
        if request.topK > 0, ranked.count > Int(request.topK) { ranked = Array(ranked.prefix(Int(request.topK))) }
        return RouteResponse(
            ranked: ranked, chosen: chosen, modelVersion: manifest.modelVersion, requestID: request.requestID,
            fallbackUsed: fallbackUsed)
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
                           message: "unknown expert '\(unknown)' in allowed_experts; this model routes to \(manifest.experts.map(\.name).joined(separator: ", "))")
        }
    }
}
