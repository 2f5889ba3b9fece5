import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import ZooterRPC
import ZooterWire

/// Hybrid top-k, the paper's reward-ranking mode as a serving option: the router's top k experts
/// answer in parallel, the reward service scores each answer against the routed text, and the
/// best one is returned. Costs k expert calls and one Score call; `x-zooter-candidates` lists
/// every candidate's reward.
extension GatewayService {
    struct Candidate: Sendable {
        var slot: ExpertSlot
        var position: Int
        var body: ByteBuffer
        var headers: HTTPFields
        var text: String
    }

    func forwardTopK(_ request: ChatCompletionRequest, plan: RoutingPlan, tenant: Tenant?, requestID: String) async throws(OpenAIError) -> Response {
        // The first k experts that can take a call now, in ranking order.
        var chosen: [(ExpertSlot, Int)] = []
        var skipped: [String] = []
        for (position, name) in plan.ranking.enumerated() where chosen.count < request.topK {
            guard let slot = slots[name] else { continue }
            guard slot.breaker.allowRequest() else { metrics.attempt(name, .circuitOpen); skipped.append("\(name): circuit open"); continue }
            guard slot.reserve() else {
                slot.breaker.recordAbandoned()
                metrics.attempt(name, .busy)
                skipped.append("\(name): at its max_concurrent")
                continue
            }
            chosen.append((slot, position))
        }
        guard !chosen.isEmpty else {
            throw OpenAIError(.serviceUnavailable, "no expert can take the request now (\(skipped.joined(separator: "; ")))",
                              type: "server_error", code: "experts_unavailable", retryAfterSeconds: 1)
        }
        // Whole answers are needed to score them: the experts are asked without streaming.
        let maxResponseBytes = configuration.maxResponseBytes
        let results = await withTaskGroup(of: (Int, ExpertCall.Result?).self) { group in
            for (index, (slot, _)) in chosen.enumerated() {
                let body = request.forwardedBody(upstreamModel: slot.endpoint.upstreamModel, streaming: false)
                group.addTask {
                    (index, try? await ExpertCall.perform(slot, body: body, stream: false, requestID: requestID, maxResponseBytes: maxResponseBytes))
                }
            }
            var results = [ExpertCall.Result?](repeating: nil, count: chosen.count)
            for await (index, result) in group { results[index] = result }
            return results
        }
        var candidates: [Candidate] = []
        var failures: [String] = []
        for ((slot, position), result) in zip(chosen, results) {
            slot.release()
            switch result {
            case .answered(_, let headers, let body):
                slot.breaker.recordSuccess()
                metrics.attempt(slot.name, .ok)
                let tokens = Self.tokens(in: body, request: request)
                ledger.charge(tenant ?? .anonymous, costUSD: slot.endpoint.estimatedCost(promptTokens: tokens.prompt, completionTokens: tokens.completion))
                var fields = HTTPFields()
                if let type = headers.first(name: "content-type") { fields[.contentType] = type }
                candidates.append(Candidate(slot: slot, position: position, body: body, headers: fields, text: Self.answerText(in: body)))
            case .failed(let outcome, let detail):
                if outcome == .tooLarge { slot.breaker.recordSuccess() } else { slot.breaker.recordFailure() }
                metrics.attempt(slot.name, outcome)
                failures.append("\(slot.name): \(detail)")
            case .refused(let status, _, let body):
                slot.breaker.recordSuccess()
                metrics.attempt(slot.name, .clientError)
                failures.append("\(slot.name): HTTP \(status) \(String(buffer: body).prefix(200))")
            case .streaming, nil:
                // Cancelled (the client left), or a streamed answer we did not ask for.
                slot.breaker.recordAbandoned()
            }
            publish(circuitOf: slot)
        }
        guard !candidates.isEmpty else {
            throw OpenAIError(.badGateway, "every expert asked failed (\(failures.joined(separator: "; ")))", type: "server_error", code: "upstream_failed")
        }
        let rewards = await score(candidates, query: request.routedText, requestID: requestID)
        // The best reward; without rewards (the scorer failed), the router's best-ranked answer.
        let best = rewards.map { rewards in candidates.indices.max { rewards[$0] < rewards[$1] }! } ?? 0
        let winner = candidates[best]
        if winner.position > 0 { metrics.fallbacks.increment() }
        var fields = headerFields(Served(expert: winner.slot.name, position: winner.position, calls: chosen.count, plan: plan),
                                  requestID: requestID, upstream: HTTPHeaders())
        if let type = winner.headers[.contentType] { fields[.contentType] = type }
        // A top-k answer is the best of several, not a fallback.
        fields[Self.fallbackHeader] = "false"
        fields[Self.candidatesHeader] = zip(candidates, rewards ?? Array(repeating: .nan, count: candidates.count))
            .map { "\($0.slot.name)=\($1.isNaN ? "unscored" : String(format: "%.6f", $1))" }.joined(separator: ",")
        record(request, served: Served(expert: winner.slot.name, position: winner.position, calls: chosen.count, plan: plan),
               tenant: tenant, requestID: requestID, answer: winner.text)
        guard request.stream else {
            return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: winner.body))
        }
        // The client asked for a stream: the chosen answer is sent once chosen, as one content
        // chunk, a finish chunk and [DONE].
        fields[.contentType] = "text/event-stream"
        return Response(status: .ok, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.serverSentEvents(of: winner.body))))
    }

    /// The reward of each candidate's answer for `query`, from the reward service; nil when it
    /// cannot score them (logged: the router's order then decides).
    private func score(_ candidates: [Candidate], query: String, requestID: String) async -> [Double]? {
        guard let rewardConnection else { return nil }
        let pairs = candidates.enumerated().map { ScorePair(id: String($0.offset), query: query, response: $0.element.text) }
        do {
            let reply = try await rewardConnection.unary(path: "/zooter.v1.RewardScorer/Score", request: ScoreRequest(pairs: pairs).wireBytes(),
                                                          timeout: configuration.rewardTimeout)
            let results = try ScoreResponse(wireBytes: reply.message).results
            guard results.count == candidates.count else { throw RPCError(code: .internal, message: "\(results.count) scores for \(candidates.count) pairs") }
            return results.map(\.reward)
        } catch {
            logger.warning("top-k: the reward service could not score the answers; returning the router's best-ranked one",
                           metadata: ["error": "\(Self.describe(error))", "request_id": "\(requestID)"])
            return nil
        }
    }

    /// The assistant's text in an OpenAI chat completion (empty when it has none).
    static func answerText(in body: ByteBuffer) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
              let choices = object["choices"] as? [[String: Any]], let message = choices.first?["message"] as? [String: Any] else { return "" }
        return (message["content"] as? String) ?? ""
    }

    /// A whole chat completion as the server-sent events a streaming client expects.
    static func serverSentEvents(of body: ByteBuffer) -> [UInt8] {
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any]) ?? [:]
        let choice = (object["choices"] as? [[String: Any]])?.first ?? [:]
        let message = choice["message"] as? [String: Any] ?? [:]
        func chunk(_ delta: [String: Any], finish: Any) -> [UInt8] {
            let event: [String: Any] = [
                "id": object["id"] ?? "chatcmpl-zooter", "object": "chat.completion.chunk", "created": object["created"] ?? 0,
                "model": object["model"] ?? "", "choices": [["index": 0, "delta": delta, "finish_reason": finish]],
            ]
            return Array("data: ".utf8) + Array((try? JSONSerialization.data(withJSONObject: event)) ?? Data()) + Array("\n\n".utf8)
        }
        return chunk(["role": "assistant", "content": message["content"] ?? ""], finish: NSNull())
            + chunk([:], finish: choice["finish_reason"] ?? "stop") + Array("data: [DONE]\n\n".utf8)
    }

    static let candidatesHeader = HTTPField.Name("x-zooter-candidates")!
}
