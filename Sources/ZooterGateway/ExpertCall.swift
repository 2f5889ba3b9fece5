import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One call to one expert, classified the way fallback needs: an answer, a refusal that is the
/// request's own fault (returned to the client as it is), or a failure the next expert in the
/// ranking may not have.
enum ExpertCall {
    enum Result: Sendable {
        /// A 2xx answer, read in full (non-streaming requests).
        case answered(status: Int, headers: HTTPHeaders, body: ByteBuffer)
        /// A 2xx answer whose body is still to come (streaming requests).
        case streaming(HTTPClientResponse)
        /// A 4xx the request itself caused (bad parameters, context too long): the same request
        /// would fail on the next expert too, so it goes back to the client as is.
        case refused(status: Int, headers: HTTPHeaders, body: ByteBuffer)
        /// The expert failed; the outcome is counted and the next expert tried.
        case failed(GatewayMetrics.Outcome, String)
    }

    /// Statuses that say the expert, not the request, is at fault: overloaded (429), down
    /// (5xx), timed out (408), or the gateway's own configuration for it is wrong (401/403:
    /// the key; 404: the model id). All go down the ranking.
    static func isExpertFailure(_ status: Int) -> Bool {
        status >= 500 || [401, 403, 404, 408, 429].contains(status)
    }

    /// Error bodies of refusals and failures are read up to this size, for the log and the client.
    static let maxErrorBodyBytes = 64 << 10

    static func perform(_ slot: ExpertSlot, body: [UInt8], stream: Bool, requestID: String, maxResponseBytes: Int) async throws -> Result {
        var request = HTTPClientRequest(url: slot.endpoint.chatCompletionsURL)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: stream ? "text/event-stream" : "application/json")
        request.headers.add(name: "x-request-id", value: requestID)
        if let key = slot.endpoint.apiKey { request.headers.add(name: "authorization", value: "Bearer \(key)") }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            // The deadline covers connecting, sending and the response head: "time to first byte".
            response = try await slot.client.execute(request, timeout: .nanoseconds(nanoseconds(slot.endpoint.timeout)))
        } catch {
            try Task.checkCancellation()
            return failure(error, timeout: slot.endpoint.timeout)
        }
        let status = Int(response.status.code)
        if (200..<300).contains(status) {
            if stream { return .streaming(response) }
            do {
                let bytes = try await response.body.collect(upTo: maxResponseBytes)
                return .answered(status: status, headers: response.headers, body: bytes)
            } catch is NIOTooManyBytesError {
                return .failed(.tooLarge, "the answer is larger than max_response_bytes (\(maxResponseBytes))")
            } catch {
                try Task.checkCancellation()
                return failure(error, timeout: slot.endpoint.timeout)
            }
        }
        let errorBody = (try? await response.body.collect(upTo: maxErrorBodyBytes)) ?? ByteBuffer()
        try Task.checkCancellation()
        if isExpertFailure(status) {
            let detail = String(buffer: errorBody).prefix(200)
            return .failed(status == 429 ? .rateLimited : status >= 500 ? .serverError : status == 408 ? .timeout : .clientError,
                           "HTTP \(status)\(detail.isEmpty ? "" : ": \(detail)")")
        }
        return .refused(status: status, headers: response.headers, body: errorBody)
    }

    static func failure(_ error: any Error, timeout: Duration) -> Result {
        if let error = error as? HTTPClientError,
           [.deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout].contains(error) {
            return .failed(.timeout, "no answer within \(timeout) (\(error))")
        }
        return .failed(.connectionError, "\(error)")
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }
}
