import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import CoreMetrics
import Logging
import NIOHTTP1
import Synchronization
import ZooterExchangeLog

extension GatewayService {
    /// Answers one chat completion request: authenticate, plan, admit, forward with fallback.
    /// Every failure becomes an OpenAI-style error response; nothing here throws.
    func chat(body: ByteBuffer, authorization: String?, requestID: String, channel: any Channel) async -> Response {
        let started = ContinuousClock.now
        guard inFlight.add(1, ordering: .relaxed).newValue <= configuration.maxConcurrentRequests else {
            inFlight.subtract(1, ordering: .relaxed)
            metrics.tripped(.concurrency)
            return errorResponse(OpenAIError(.serviceUnavailable, "the gateway is at its limit of \(configuration.maxConcurrentRequests) requests in progress; retry shortly",
                                             type: "server_error", code: "overloaded", retryAfterSeconds: 1), requestID: requestID)
        }
        metrics.inFlight.record(inFlight.load(ordering: .relaxed))
        defer {
            inFlight.subtract(1, ordering: .relaxed)
            metrics.inFlight.record(inFlight.load(ordering: .relaxed))
            metrics.requestDuration.recordNanoseconds(ExpertCall.nanoseconds(ContinuousClock.now - started))
        }
        var plan: RoutingPlan?
        do throws(OpenAIError) {
            let tenant = try authenticate(authorization)
            let request = try ChatCompletionRequest(json: Array(buffer: body))
            if request.topK > 1 {
                guard rewardConnection != nil else {
                    throw OpenAIError.invalidRequest("top_k needs a reward service, and this gateway has none configured", code: "top_k_unavailable")
                }
                guard request.topK <= configuration.maxTopK else {
                    throw OpenAIError.invalidRequest("top_k is at most \(configuration.maxTopK) on this gateway (max_top_k)", code: "top_k_too_large")
                }
            }
            try checkModel(request, tenant: tenant)
            // A tenant over its budget is refused before the router spends anything on it.
            if let refusal = ledger.admit(tenant ?? Tenant.anonymous) {
                metrics.tripped(.budget)
                throw refusal
            }
            plan = try await self.plan(request, tenant: tenant, requestID: requestID)
            if request.topK > 1 {
                return try await forwardTopK(request, plan: plan!, tenant: tenant, requestID: requestID)
            }
            return try await forward(request, plan: plan!, tenant: tenant, requestID: requestID, channel: channel)
        } catch {
            return errorResponse(error, plan: plan, requestID: requestID)
        }
    }

    /// Tries the plan's experts in order until one answers. Skipped without a call: experts
    /// whose circuit is open or whose concurrency limit is reached. At most
    /// `fallbackAttempts` calls are made.
    private func forward(_ request: ChatCompletionRequest, plan: RoutingPlan, tenant: Tenant?, requestID: String, channel: any Channel) async throws(OpenAIError) -> Response {
        var failures: [String] = []
        var calls = 0
        var skippedOnly = true
        for (position, name) in plan.ranking.enumerated() where calls < configuration.fallbackAttempts {
            guard let slot = slots[name] else { continue }
            guard slot.breaker.allowRequest() else {
                metrics.attempt(name, .circuitOpen)
                failures.append("\(name): circuit open")
                continue
            }
            guard slot.reserve() else {
                slot.breaker.recordAbandoned()
                metrics.attempt(name, .busy)
                failures.append("\(name): at its max_concurrent")
                continue
            }
            skippedOnly = false
            calls += 1
            let result: ExpertCall.Result
            do {
                result = try await ExpertCall.perform(slot, body: request.forwardedBody(upstreamModel: slot.endpoint.upstreamModel),
                                                      stream: request.stream, requestID: requestID, maxResponseBytes: configuration.maxResponseBytes)
            } catch {
                // The client went away: the upstream call was cancelled with it.
                slot.release()
                slot.breaker.recordAbandoned()
                throw OpenAIError(HTTPResponse.Status(code: 499, reasonPhrase: "Client Closed Request"), "the client closed the connection", type: "server_error", code: "client_closed")
            }
            let served = Served(expert: name, position: position, calls: calls, plan: plan)
            switch result {
            case .answered(let status, let headers, let body):
                slot.release()
                slot.breaker.recordSuccess()
                metrics.attempt(name, .ok)
                if position > 0 { metrics.fallbacks.increment() }
                let tokens = Self.tokens(in: body, request: request)
                ledger.charge(tenant ?? .anonymous, costUSD: slot.endpoint.estimatedCost(promptTokens: tokens.prompt, completionTokens: tokens.completion))
                publish(circuitOf: slot)
                record(request, served: served, tenant: tenant, requestID: requestID, answer: Self.answerText(in: body))
                return Response(status: .init(code: status), headers: headerFields(served, requestID: requestID, upstream: headers),
                                body: ResponseBody(byteBuffer: body))
            case .streaming(let response):
                metrics.attempt(name, .ok)
                if position > 0 { metrics.fallbacks.increment() }
                // The per-request price at once; the tokens' price when the stream has ended.
                let ledger = self.ledger, endpoint = slot.endpoint, payer = tenant ?? .anonymous
                ledger.charge(payer, costUSD: endpoint.usdPerRequest)
                return Response(status: .init(code: Int(response.status.code)),
                                headers: headerFields(served, requestID: requestID, upstream: response.headers),
                                body: streamBody(response, slot: slot, requestID: requestID, channel: channel, charge: { answer in
                                    let tokens = answer.tokens(promptCharacters: request.promptCharacters)
                                    ledger.charge(payer, costUSD: endpoint.estimatedCost(promptTokens: tokens.prompt, completionTokens: tokens.completion)
                                                  - endpoint.usdPerRequest)
                                }) { text in
                                    self.record(request, served: served, tenant: tenant, requestID: requestID, answer: text)
                                })
            case .refused(let status, let headers, let body):
                slot.release()
                slot.breaker.recordSuccess()
                metrics.attempt(name, .clientError)
                return Response(status: .init(code: status), headers: headerFields(served, requestID: requestID, upstream: headers),
                                body: ResponseBody(byteBuffer: body))
            case .failed(let outcome, let detail):
                slot.release()
                // An answer too large is the request's doing, not the expert's.
                if outcome == .tooLarge { slot.breaker.recordSuccess() } else { slot.breaker.recordFailure() }
                publish(circuitOf: slot)
                metrics.attempt(name, outcome)
                logger.warning("expert failed", metadata: ["expert": "\(name)", "outcome": "\(outcome.rawValue)", "detail": "\(detail)", "request_id": "\(requestID)"])
                failures.append("\(name): \(detail)")
                if outcome == .tooLarge {
                    metrics.tripped(.responseBody)
                    throw OpenAIError(.badGateway, "expert \(name): \(detail)", type: "server_error", code: "upstream_response_too_large")
                }
            }
        }
        if skippedOnly {
            throw OpenAIError(.serviceUnavailable, "no expert can take the request now (\(failures.joined(separator: "; ")))",
                              type: "server_error", code: "experts_unavailable", retryAfterSeconds: 1)
        }
        throw OpenAIError(.badGateway, "every expert tried failed (\(failures.joined(separator: "; ")))", type: "server_error", code: "upstream_failed")
    }

    /// The upstream's server-sent events, passed through chunk by chunk. A failure after the
    /// stream has begun cannot be retried (the client has part of an answer): the stream ends
    /// with one `data: {"error": ...}` event instead of `data: [DONE]`.
    private func streamBody(_ response: HTTPClientResponse, slot: ExpertSlot, requestID: String, channel: any Channel,
                            charge: @escaping @Sendable (StreamedAnswer) -> Void,
                            completed: @escaping @Sendable (String) -> Void) -> ResponseBody {
        let limit = configuration.maxResponseBytes
        // The events are parsed only when something needs them: the exchange log (the text) or
        // token prices (the usage); otherwise the stream passes through untouched.
        let endpoint = slot.endpoint
        let read = recorder != nil || endpoint.usdPerMillionInputTokens > 0 || endpoint.usdPerMillionOutputTokens > 0
        let keepText = recorder == nil ? 0 : Self.maxLoggedStreamCharacters
        return ResponseBody { writer in
            var answer = StreamedAnswer(textLimit: keepText)
            let relay = ClientDisconnect.relay(response.body, cancelledBy: channel)
            defer {
                relay.stop()
                slot.release()
                // Whatever was streamed is paid for, also when the stream broke or the client left.
                if read { charge(answer) }
            }
            var total = 0
            var failure: OpenAIError?
            do {
                for try await chunk in relay.elements {
                    total += chunk.readableBytes
                    guard total <= limit else {
                        self.metrics.tripped(.responseBody)
                        failure = OpenAIError(.badGateway, "expert \(slot.name): the answer is larger than max_response_bytes (\(limit))",
                                              type: "server_error", code: "upstream_response_too_large")
                        break
                    }
                    if read { answer.consume(chunk.readableBytesView) }
                    try await writer.write(chunk)
                    relay.taken()
                }
                if failure == nil {
                    slot.breaker.recordSuccess()
                    if keepText > 0 { completed(answer.text) }
                }
            } catch {
                guard channel.isActive else {
                    // The client left: the upstream read was cancelled with it.
                    slot.breaker.recordAbandoned()
                    self.publish(circuitOf: slot)
                    throw error
                }
                slot.breaker.recordFailure()
                self.metrics.attempt(slot.name, .connectionError)
                self.logger.warning("expert failed mid-stream", metadata: ["expert": "\(slot.name)", "error": "\(error)", "request_id": "\(requestID)"])
                failure = OpenAIError(.badGateway, "expert \(slot.name) failed after the stream began: \(error)", type: "server_error", code: "upstream_stream_failed")
            }
            self.publish(circuitOf: slot)
            if let failure { try await writer.write(ByteBuffer(bytes: failure.serverSentEvent)) }
            try await writer.finish(nil)
        }
    }

    /// Offers an answered exchange to the exchange log (which samples it).
    func record(_ request: ChatCompletionRequest, served: Served, tenant: Tenant?, requestID: String, answer: String) {
        guard let recorder else { return }
        recorder.offer(LoggedExchange(
            time: Date().timeIntervalSince1970, requestID: requestID, tenant: tenant?.name ?? Tenant.anonymous.name,
            modelVersion: served.plan.modelVersion ?? "", expert: served.expert, probability: served.plan.probabilities[served.expert],
            probabilities: Self.jsonObject(served.plan.probabilities), routed: served.plan.routed, fallback: served.position > 0,
            query: request.routedText, answer: answer, reward: nil, scorer: nil))
    }

    /// Characters of a streamed answer kept for the exchange log.
    static let maxLoggedStreamCharacters = 256 << 10

    static func jsonObject(_ values: [String: Double]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: values, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
    }

    func publish(circuitOf slot: ExpertSlot) { metrics.circuit(slot.name, open: slot.breaker.isOpen) }

    /// Who answered: for the response headers.
    struct Served {
        var expert: String
        var position: Int
        var calls: Int
        var plan: RoutingPlan
    }

    /// The upstream's content headers, and ours naming the decision.
    func headerFields(_ served: Served, requestID: String, upstream: HTTPHeaders) -> HTTPFields {
        var fields = HTTPFields()
        for name in ["content-type", "openai-processing-ms", "openai-version", "x-ratelimit-remaining-requests"] {
            if let value = upstream.first(name: name), let field = HTTPField.Name(name) { fields[field] = value }
        }
        if fields[.contentType] == nil { fields[.contentType] = "application/json" }
        fields[Self.expertHeader] = served.expert
        if let probability = served.plan.probabilities[served.expert] { fields[Self.probabilityHeader] = String(format: "%.6f", probability) }
        if let version = served.plan.modelVersion { fields[Self.modelVersionHeader] = version }
        if served.plan.routed { fields[Self.rankingHeader] = served.plan.ranking.joined(separator: ",") }
        fields[Self.routedHeader] = served.plan.routed ? "true" : "false"
        fields[Self.fallbackHeader] = served.position > 0 ? "true" : "false"
        fields[Self.attemptsHeader] = String(served.calls)
        fields[Self.requestIDHeader] = requestID
        return fields
    }

    func errorResponse(_ error: OpenAIError, plan: RoutingPlan? = nil, requestID: String) -> Response {
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        fields[Self.requestIDHeader] = requestID
        if let version = plan?.modelVersion { fields[Self.modelVersionHeader] = version }
        if let plan, plan.routed { fields[Self.rankingHeader] = plan.ranking.joined(separator: ",") }
        if let seconds = error.retryAfterSeconds { fields[.retryAfter] = String(seconds) }
        return Response(status: error.status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: error.body)))
    }

    /// Prompt and completion tokens of a whole (non-streamed) answer: its `usage` when the upstream
    /// reports one, else estimated like a streamed answer's (`StreamedAnswer`, 4 characters per token).
    static func tokens(in body: ByteBuffer, request: ChatCompletionRequest) -> (prompt: Int, completion: Int) {
        if let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
           let usage = object["usage"] as? [String: Any],
           let prompt = usage["prompt_tokens"] as? Int, let completion = usage["completion_tokens"] as? Int,
           prompt >= 0, completion >= 0 {
            return (prompt, completion)
        }
        return (StreamedAnswer.estimatedTokens(characters: request.promptCharacters),
                StreamedAnswer.estimatedTokens(characters: answerText(in: body).unicodeScalars.count))
    }

    static let expertHeader = HTTPField.Name("x-zooter-expert")!
    static let probabilityHeader = HTTPField.Name("x-zooter-probability")!
    static let modelVersionHeader = HTTPField.Name("x-zooter-model-version")!
    static let routedHeader = HTTPField.Name("x-zooter-routed")!
    /// The order the experts were (or would have been) tried in.
    static let rankingHeader = HTTPField.Name("x-zooter-ranking")!
    static let fallbackHeader = HTTPField.Name("x-zooter-fallback")!
    static let attemptsHeader = HTTPField.Name("x-zooter-attempts")!
    static let requestIDHeader = HTTPField.Name("x-request-id")!
}
