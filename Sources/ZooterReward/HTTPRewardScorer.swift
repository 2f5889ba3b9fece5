import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import ZooterRPC
public import ZooterWire

/// A scorer that is not computed here: a batch of pairs is sent to it and rewards come back.
public protocol RemoteRewardScoring: Sendable {
    var name: String { get }
    var version: String { get }
    func score(_ pairs: [ScorePair]) async throws(RPCError) -> [Double]
    /// Closes its connections (at shutdown).
    func shutdown() async
}

/// A reward model behind an HTTP endpoint (docs/reward-backends.md), for users whose reward model
/// runs elsewhere (a GPU server, a hosted API):
///
///     POST <url>  {"pairs": [{"query": "...", "response": "..."}, ...]}
///     200         {"rewards": [0.73, -1.2, ...]}          (same order and count, finite)
///
/// The key, when given, is sent as `Authorization: Bearer`. A failure or a malformed answer is
/// UNAVAILABLE for the caller (the trainer retries on another replica), never a made-up score.
public final class HTTPRewardScorer: RemoteRewardScoring {
    public let name: String
    public let version: String
    let url: String
    let apiKey: String?
    let timeout: Duration
    let client: HTTPClient
    static let maxResponseBytes = 8 << 20

    public init(url: String, apiKey: String?, version: String, timeout: Duration) {
        self.url = url
        self.apiKey = apiKey
        self.version = version
        self.timeout = timeout
        self.name = "http:" + (URL(string: url)?.host ?? url)
        client = Self.makeClient()
    }

    /// The HTTP client of the remote scorers: redirects are never followed (they could carry
    /// the API key to another host).
    static func makeClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    public func shutdown() async { try? await client.shutdown() }

    public func score(_ pairs: [ScorePair]) async throws(RPCError) -> [Double] {
        do {
            return try await post(pairs)
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .unavailable, message: "the reward model at \(url) failed: \(error)")
        }
    }

    private func post(_ pairs: [ScorePair]) async throws -> [Double] {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        if let apiKey { request.headers.add(name: "authorization", value: "Bearer \(apiKey)") }
        let body: [String: Any] = ["pairs": pairs.map { ["query": $0.query, "response": $0.response] }]
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let seconds = timeout.components.seconds
        let response = try await client.execute(request, timeout: .seconds(max(1, seconds)))
        let bytes = try await response.body.collect(upTo: Self.maxResponseBytes)
        guard response.status == .ok else {
            throw RPCError(code: .unavailable, message: "the reward model at \(url) answered HTTP \(response.status.code): \(String(buffer: bytes).prefix(200))")
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView)) as? [String: Any],
              let rewards = object["rewards"] as? [NSNumber], rewards.count == pairs.count else {
            throw RPCError(code: .unavailable, message: "the reward model at \(url) did not answer {\"rewards\": [\(pairs.count) numbers]}: \(String(buffer: bytes).prefix(200))")
        }
        let values = rewards.map(\.doubleValue)
        guard values.allSatisfy(\.isFinite) else {
            throw RPCError(code: .unavailable, message: "the reward model at \(url) answered a non-finite reward")
        }
        return values
    }
}
