import AsyncHTTPClient
import CoreMetrics
import Foundation
import NIOCore
import NIOHTTP1
public import ZooterRPC
public import ZooterWire

/// An LLM judge behind an OpenAI-compatible chat endpoint: each pair is shown to the judge with a
/// rubric and the score is parsed from its reply (docs/reward-backends.md). A reply without a
/// score in range is counted (`zooter_reward_judge_malformed_total`) and asked again, up to
/// `attempts` times; then the call fails with UNAVAILABLE rather than inventing a score.
public final class JudgeRewardScorer: RemoteRewardScoring {
    public let name: String
    public let version: String
    let url: String
    let model: String
    let apiKey: String?
    let timeout: Duration
    let attempts: Int
    let concurrency: Int
    let client: HTTPClient
    private let malformed = Counter(label: MetricCatalog.rewardJudgeMalformed.name)

    /// The rubric: a 1–10 score on the last line, the convention of MT-Bench-style judges.
    static let rubric = """
        You are an impartial judge. Rate how well the response answers the instruction: correctness, \
        helpfulness, relevance and completeness. Be strict; length is not quality. \
        Reply with a short justification, then a last line of the form "Score: N" where N is an integer from 1 to 10.
        """

    public init(baseURL: String, model: String, apiKey: String?, version: String, timeout: Duration, attempts: Int = 3, concurrency: Int = 8) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.url = base + "/chat/completions"
        self.model = model
        self.apiKey = apiKey
        self.timeout = timeout
        self.attempts = attempts
        self.concurrency = concurrency
        self.name = "judge:" + model
        self.version = version
        client = HTTPRewardScorer.makeClient()
    }

    public func shutdown() async { try? await client.shutdown() }

    public func score(_ pairs: [ScorePair]) async throws(RPCError) -> [Double] {
        do {
            return try await withThrowingTaskGroup(of: (Int, Double).self) { group in
                var results = [Double](repeating: .nan, count: pairs.count)
                var next = 0
                // At most `concurrency` judge calls at once.
                while next < min(concurrency, pairs.count) {
                    let index = next
                    group.addTask { (index, try await self.judge(pairs[index])) }
                    next += 1
                }
                while let (index, score) = try await group.next() {
                    results[index] = score
                    if next < pairs.count {
                        let index = next
                        group.addTask { (index, try await self.judge(pairs[index])) }
                        next += 1
                    }
                }
                return results
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .unavailable, message: "the judge at \(url) failed: \(error)")
        }
    }

    /// One pair's score, asking again when the reply has none.
    private func judge(_ pair: ScorePair) async throws -> Double {
        var lastReply = ""
        for _ in 0..<attempts {
            lastReply = try await ask(pair)
            if let score = Self.parseScore(lastReply) { return score }
            malformed.increment()
        }
        throw RPCError(code: .unavailable, message: "the judge \(model) gave no score from 1 to 10 in \(attempts) replies; last: \(lastReply.prefix(200))")
    }

    private func ask(_ pair: ScorePair) async throws -> String {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let apiKey { request.headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        let body: [String: Any] = [
            "model": model, "temperature": 0,
            "messages": [["role": "system", "content": Self.rubric],
                         ["role": "user", "content": "[Instruction]\n\(pair.query)\n\n[Response]\n\(pair.response)"]],
        ]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await client.execute(request, timeout: .seconds(max(1, timeout.components.seconds)))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            throw RPCError(code: .unavailable, message: "the judge at \(url) answered HTTP \(response.status.code): \(String(buffer: bytes).prefix(200))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any],
              let choice = (object["choices"] as? [[String: Any]])?.first,
              let content = (choice["message"] as? [String: Any])?["content"] as? String else { return "" }
        return content
    }

    /// The N of the last "Score: N" (1...10) in a reply, else nil.
    static func parseScore(_ reply: String) -> Double? {
        let pattern = /[Ss]core\s*[:=]\s*\**\s*(\d{1,2})(?:\.\d+)?\s*(?:\/\s*10)?/
        guard let match = reply.matches(of: pattern).last, let value = Int(match.output.1), (1...10).contains(value) else { return nil }
        return Double(value)
    }
}
