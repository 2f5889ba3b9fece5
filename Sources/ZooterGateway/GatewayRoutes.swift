import Foundation
import HTTPTypes
public import Hummingbird
import NIOCore
import ZooterClient
import ZooterWire

/// The HTTP surface: OpenAI's chat completions and models endpoints, health endpoints, and
/// OpenAI-style errors for everything else (docs/gateway.md).
extension GatewayService {
    public func makeRouter() -> Router<GatewayRequestContext> {
        let router = Router(context: GatewayRequestContext.self)
        router.post("v1/chat/completions") { request, context in
            await self.counted(.chat) { await self.chatCompletions(request, context: context) }
        }
        router.get("v1/models") { request, _ in
            await self.counted(.models) { self.models(request) }
        }
        router.get("health") { _, _ in await self.counted(.health) { await self.readiness() } }
        router.get("health/ready") { _, _ in await self.counted(.health) { await self.readiness() } }
        router.get("health/live") { _, _ in
            await self.counted(.health) { Self.json(.ok, ["status": "ok"]) }
        }
        return router
    }

    /// Answers requests no route matched: 404 for an unknown path, 405 for a known path with
    /// another method (Hummingbird's own answers have no OpenAI-style body).
    public struct UnmatchedRequests: RouterMiddleware {
        public typealias Context = GatewayRequestContext
        let service: GatewayService
        public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
            do {
                return try await next(request, context)
            } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
                let message = error.status == .notFound ? "no such endpoint: \(request.method) \(request.uri.path)"
                                                        : "\(request.method) is not allowed on \(request.uri.path)"
                service.metrics.answered(.other, status: Int(error.status.code))
                return service.errorResponse(OpenAIError(error.status, message, type: "invalid_request_error",
                                                         code: error.status == .notFound ? "unknown_url" : "method_not_allowed"),
                                             requestID: Self.requestID(of: request))
            }
        }

        static func requestID(of request: Request) -> String { GatewayService.requestID(of: request) }
    }

    private func counted(_ endpoint: GatewayMetrics.Endpoint, _ body: () async -> Response) async -> Response {
        let response = await body()
        metrics.answered(endpoint, status: Int(response.status.code))
        return response
    }

    private func chatCompletions(_ request: Request, context: GatewayRequestContext) async -> Response {
        let requestID = Self.requestID(of: request)
        let limit = configuration.maxRequestBytes
        let tooLarge = OpenAIError(.contentTooLarge, "the request body is larger than the gateway's limit of \(limit) bytes",
                                   type: "invalid_request_error", code: "request_too_large")
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit {
            metrics.tripped(.requestBody)
            return errorResponse(tooLarge, requestID: requestID)
        }
        let body: ByteBuffer
        do { body = try await request.body.collect(upTo: limit) } catch {
            metrics.tripped(.requestBody)
            return errorResponse(error is NIOTooManyBytesError ? tooLarge
                                 : OpenAIError.invalidRequest("the request body could not be read: \(error)"), requestID: requestID)
        }
        let authorization = request.headers[.authorization]
        let channel = context.channel
        do {
            return try await ClientDisconnect.cancelling(on: channel) {
                await self.chat(body: body, authorization: authorization, requestID: requestID, channel: channel)
            }
        } catch {
            return errorResponse(OpenAIError(.init(code: 499, reasonPhrase: "Client Closed Request"), "the client closed the connection",
                                             type: "server_error", code: "client_closed"), requestID: requestID)
        }
    }

    /// `GET /v1/models`: "zooter" and the experts the caller may name.
    private func models(_ request: Request) -> Response {
        let tenant: Tenant?
        do { tenant = try authenticate(request.headers[.authorization]) } catch {
            return errorResponse(error, requestID: Self.requestID(of: request))
        }
        let names = [Self.routedModel] + visibleExperts(for: tenant).map(\.name)
        let data = names.map { ["id": $0, "object": "model", "created": 0, "owned_by": $0 == Self.routedModel ? "zooter" : "zooter-gateway"] as [String: Any] }
        return Self.json(.ok, ["object": "list", "data": data])
    }

    /// Ready when the router answers SERVING (a load balancer should not send traffic that
    /// can only fail); `/health/live` answers as long as the process serves HTTP.
    private func readiness() async -> Response {
        do {
            let status = try await router.health(timeout: .seconds(1))
            let serving = status == .serving
            return Self.json(serving ? .ok : .serviceUnavailable, ["status": serving ? "ok" : "unavailable", "router": "\(status)"])
        } catch {
            return Self.json(.serviceUnavailable, ["status": "unavailable", "router": Self.describe(error)])
        }
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The caller's `x-request-id` when it is a sane token (visible ASCII, at most 128
    /// characters), else a new one: it goes into logs, the router call and the upstream call.
    static func requestID(of request: Request) -> String {
        if let id = request.headers[requestIDHeader], (1...128).contains(id.utf8.count), id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
            return id
        }
        return UUID().uuidString.lowercased()
    }
}
