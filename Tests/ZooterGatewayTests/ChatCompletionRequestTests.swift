import Foundation
import HTTPTypes
import Testing
import ZooterServiceKit
@testable import ZooterGateway

@Suite struct ChatCompletionRequestTests {
    static func request(_ json: String) throws(OpenAIError) -> ChatCompletionRequest {
        try ChatCompletionRequest(json: Array(json.utf8))
    }

    @Test func routesOnTheLastUserMessageAndForwardsEverythingElse() throws {
        let request = try Self.request("""
            {"model": "zooter", "stream": true, "seed": 12345678901234567890, "temperature": 0.2,
             "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "first"},
                          {"role": "assistant", "content": "ok"},
                          {"role": "user", "content": [{"type": "text", "text": "prove"}, {"type": "image_url", "image_url": {"url": "x"}},
                                                       {"type": "text", "text": "it"}]}]}
            """)
        #expect(request.model == "zooter" && request.stream && request.routedText == "prove\nit")
        let forwarded = try #require(try JSONSerialization.jsonObject(with: Data(request.forwardedBody(upstreamModel: "up-1"))) as? [String: Any])
        #expect(forwarded["model"] as? String == "up-1" && forwarded["temperature"] as? Double == 0.2)
        #expect(String(decoding: request.forwardedBody(upstreamModel: "up-1"), as: UTF8.self).contains("12345678901234567890"),
                "large integers pass through unrounded")
        #expect((forwarded["messages"] as? [Any])?.count == 4)
    }

    @Test func longTextIsCutToTheRouterLimitOnAScalarBoundary() throws {
        let text = String(repeating: "é", count: TextLimit.maxBytes)  // 2 bytes each
        let request = try Self.request(#"{"model": "zooter", "messages": [{"role": "user", "content": "x\#(text)"}]}"#)
        #expect(request.routedText.utf8.count <= TextLimit.maxBytes && request.routedText.utf8.count >= TextLimit.maxBytes - 1)
        #expect(request.routedText.hasPrefix("xé"))
    }

    @Test func malformedRequestsAreInvalidRequestErrors() {
        for json in ["", "null", "[]", #"{"model": 3, "messages": [{"role": "user", "content": "x"}]}"#,
                     #"{"model": "zooter", "messages": "hi"}"#, #"{"model": "zooter", "messages": [{"content": "x"}]}"#,
                     #"{"model": "zooter", "messages": [{"role": "user", "content": "   "}]}"#,
                     #"{"model": "zooter", "stream": 1, "messages": [{"role": "user", "content": "x"}]}"#] {
            do {
                _ = try Self.request(json)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.status == .badRequest && error.type == "invalid_request_error", "\(json)")
                #expect(String(decoding: error.body, as: UTF8.self).hasPrefix(#"{"error":{"#))
            }
        }
        // A concrete expert needs no user text (nothing is routed).
        #expect((try? Self.request(#"{"model": "a", "messages": [{"role": "system", "content": "x"}]}"#)) != nil)
    }
}
