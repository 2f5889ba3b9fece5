import Foundation
public import HTTPTypes

/// An error answered to a client in the shape OpenAI's API uses, so the official clients raise
/// their usual exceptions (`AuthenticationError`, `RateLimitError`, ...):
/// `{"error": {"message": ..., "type": ..., "param": null, "code": ...}}`.
public struct OpenAIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var message: String
    /// OpenAI's `type`: invalid_request_error, authentication_error, permission_error,
    /// rate_limit_error, server_error...
    public var type: String
    /// OpenAI's `code`: a stable machine-readable reason (model_not_found, invalid_api_key...).
    public var code: String?
    /// Seconds after which a refused request may succeed (sent as `Retry-After`).
    public var retryAfterSeconds: Int?

    public init(_ status: HTTPResponse.Status, _ message: String, type: String, code: String? = nil, retryAfterSeconds: Int? = nil) {
        self.status = status
        self.message = message
        self.type = type
        self.code = code
        self.retryAfterSeconds = retryAfterSeconds
    }

    public static func invalidRequest(_ message: String, code: String? = nil) -> OpenAIError {
        OpenAIError(.badRequest, message, type: "invalid_request_error", code: code)
    }

    /// The JSON body.
    public var body: [UInt8] {
        let payload: [String: Any] = ["error": [
            "message": message, "type": type, "param": NSNull(), "code": code.map { $0 as Any } ?? NSNull(),
        ] as [String: Any]]
        return Array((try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }

    /// The same error as one server-sent event, for a stream that has already begun.
    public var serverSentEvent: [UInt8] { Array("data: ".utf8) + body + Array("\n\n".utf8) }
}
