import Foundation
import NIOCore
import Testing
@testable import ZooterGateway

/// A streamed answer is charged for what it used: the upstream's usage when it reports one,
/// else its text at 4 characters per token; events split across chunks anywhere still count.
@Suite struct StreamedAnswerTests {
    static let events = [
        #"data: {"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]}"#,
        #"data: {"choices":[{"index":0,"delta":{"content":"Hello, "}}]}"#,
        ": keep-alive comment",
        #"data: {"choices":[{"index":0,"delta":{"content":"wörld! 東京"}}]}"#,
        #"data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}"#,
        "data: [DONE]",
    ].map { $0 + "\n\n" }.joined()

    @Test func estimatesFromTheTextWhateverTheChunking() {
        let bytes = Array(Self.events.utf8)
        for size in [1, 3, 17, bytes.count] {
            var meter = StreamedAnswer(textLimit: 1 << 20)
            var start = 0
            while start < bytes.count {
                meter.consume(bytes[start..<min(start + size, bytes.count)])
                start += size
            }
            #expect(meter.contentCharacters == "Hello, wörld! 東京".unicodeScalars.count, "chunks of \(size)")
            #expect(meter.text == "Hello, wörld! 東京", "chunks of \(size)")
            #expect(meter.reported == nil)
            // 16 characters of content → 4 tokens; 10 of prompt → 3.
            #expect(meter.tokens(promptCharacters: 10) == (3, 4))
        }
    }

    @Test func theUpstreamsUsageWins() {
        var meter = StreamedAnswer(textLimit: 1 << 20)
        meter.consume(Array((Self.events.replacingOccurrences(of: "data: [DONE]",
            with: #"data: {"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}"#) + "data: [DONE]\n\n").utf8))
        #expect(meter.tokens(promptCharacters: 1000) == (12, 7))
        var hostile = StreamedAnswer(textLimit: 0)
        hostile.consume(Array(#"data: {"usage":{"prompt_tokens":-5,"completion_tokens":2}}"#.utf8) + [10])
        #expect(hostile.reported == nil, "negative counts are not usage")
    }

    @Test func theKeptTextIsBoundedButEveryCharacterCounts() {
        var answer = StreamedAnswer(textLimit: 9)
        answer.consume(Array(Self.events.utf8))
        #expect(answer.text == "Hello, wö")
        #expect(answer.contentCharacters == 16)
    }

    @Test func aWholeAnswerWithoutUsageIsEstimatedToo() throws {
        let request = try ChatCompletionRequest(json: Array(#"{"model":"m","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":[{"type":"text","text":"Hi there"}]}]}"#.utf8))
        #expect(request.promptCharacters == 17)
        let answer = ByteBuffer(string: #"{"choices":[{"message":{"role":"assistant","content":"Twelve chars"}}]}"#)
        #expect(GatewayService.tokens(in: answer, request: request) == (5, 3))
        let reported = ByteBuffer(string: #"{"choices":[],"usage":{"prompt_tokens":40,"completion_tokens":2}}"#)
        #expect(GatewayService.tokens(in: reported, request: request) == (40, 2))
    }
}
