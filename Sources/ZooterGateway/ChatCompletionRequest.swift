import Foundation
import ZooterServiceKit

/// A client's `POST /v1/chat/completions` body: what the gateway reads of it (model, stream, the
/// text to route) and the rest kept as it came, to be forwarded with only `model` replaced.
struct ChatCompletionRequest: @unchecked Sendable {
    // @unchecked: `body` holds JSONSerialization's Foundation objects, which are never mutated
    // after parsing (forwarding copies the dictionary).
    let body: [String: Any]
    let model: String
    let stream: Bool
    /// The text the router ranks the experts on (see `routedText(of:)`).
    let routedText: String
    /// Experts to ask in parallel, the best answer by the reward service returned (the paper's
    /// reward-ranking mode): `"zooter": {"top_k": k}` in the body; 1 = plain routing.
    let topK: Int
    /// Characters of text in every message: the prompt-token estimate for a streamed answer
    /// whose upstream reports no usage (`StreamedAnswer`).
    let promptCharacters: Int

    init(json: [UInt8]) throws(OpenAIError) {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: Data(json)) } catch {
            throw .invalidRequest("the request body is not valid JSON: \(error.localizedDescription)")
        }
        guard let body = parsed as? [String: Any] else { throw .invalidRequest("the request body must be a JSON object") }
        guard let model = body["model"] as? String, !model.isEmpty else {
            throw .invalidRequest("\"model\" is required: \"\(GatewayService.routedModel)\" to route, or an expert's name", code: "missing_model")
        }
        var stream = false
        if let value = body["stream"], !(value is NSNull) {
            guard StrictJSON.isBoolean(value), let flag = value as? Bool else { throw .invalidRequest("\"stream\" must be true or false") }
            stream = flag
        }
        guard let messages = body["messages"] as? [[String: Any]], !messages.isEmpty else {
            throw .invalidRequest("\"messages\" must be a non-empty list of {\"role\", \"content\"} objects")
        }
        for (index, message) in messages.enumerated() {
            guard message["role"] is String else { throw .invalidRequest("messages[\(index)] has no \"role\" string") }
        }
        var topK = 1
        if let options = body[Self.optionsKey], !(options is NSNull) {
            guard let options = options as? [String: Any] else { throw .invalidRequest("\"\(Self.optionsKey)\" must be an object such as {\"top_k\": 3}") }
            if let unknown = options.keys.sorted().first(where: { $0 != "top_k" }) {
                throw .invalidRequest("unknown option \"\(Self.optionsKey).\(unknown)\" (known: top_k)")
            }
            if let value = options["top_k"], !(value is NSNull) {
                guard let number = value as? NSNumber, !StrictJSON.isBoolean(value), number.doubleValue == number.doubleValue.rounded(),
                      number.doubleValue >= 1, number.doubleValue <= 64 else {
                    throw .invalidRequest("\"\(Self.optionsKey).top_k\" must be a whole number from 1")
                }
                topK = number.intValue
            }
            if topK > 1 && model != GatewayService.routedModel {
                throw .invalidRequest("\"\(Self.optionsKey).top_k\" needs \"model\": \"\(GatewayService.routedModel)\" (it asks the router's top experts)")
            }
        }
        var forwarded = body
        forwarded.removeValue(forKey: Self.optionsKey)
        self.body = forwarded
        self.model = model
        self.stream = stream
        self.topK = topK
        self.routedText = Self.routedText(of: messages)
        self.promptCharacters = messages.reduce(0) { total, message in
            switch message["content"] {
            case let string as String: return total + string.unicodeScalars.count
            case let parts as [[String: Any]]: return total + parts.reduce(0) { $0 + (($1["text"] as? String)?.unicodeScalars.count ?? 0) }
            default: return total
            }
        }
        if model == GatewayService.routedModel && routedText.isEmpty {
            throw .invalidRequest("nothing to route on: the conversation has no user message with text")
        }
    }

    /// The text a conversation is routed on: the last user message (its text parts joined by
    /// newlines). The router's model was trained on single instructions, and the latest turn is
    /// the one the answer must serve; earlier turns and the system prompt are forwarded but not
    /// routed on. Cut to the router's text limit at a Unicode scalar boundary (the encoder reads only
    /// the first 256 tokens anyway).
    static func routedText(of messages: [[String: Any]]) -> String {
        guard let last = messages.last(where: { ($0["role"] as? String) == "user" }) else { return "" }
        var text: String
        switch last["content"] {
        case let string as String:
            text = string
        case let parts as [[String: Any]]:
            text = parts.compactMap { $0["type"] as? String == "text" ? $0["text"] as? String : nil }.joined(separator: "\n")
        default:
            text = ""
        }
        if text.utf8.count > TextLimit.maxBytes {
            var end = text.utf8.index(text.utf8.startIndex, offsetBy: TextLimit.maxBytes)
            while end.samePosition(in: text.unicodeScalars) == nil { end = text.utf8.index(before: end) }
            text = String(text[..<end])
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? "" : text
    }

    /// The gateway's own request options, removed before forwarding (experts would refuse or
    /// ignore an unknown field).
    static let optionsKey = "zooter"

    /// The body to send to an expert: the client's (without the gateway's options), with `model`
    /// set to the expert's upstream id, and `stream` off when the gateway must read whole answers.
    func forwardedBody(upstreamModel: String, streaming: Bool? = nil) -> [UInt8] {
        var copy = body
        copy["model"] = upstreamModel
        if let streaming {
            copy["stream"] = streaming
            if !streaming { copy.removeValue(forKey: "stream_options") }
        }
        return Array((try? JSONSerialization.data(withJSONObject: copy)) ?? Data())
    }
}
