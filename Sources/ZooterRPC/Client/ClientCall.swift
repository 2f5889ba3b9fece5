import NIOCore
import ZooterHTTP2

/// One outgoing call's state on its connection's event loop.
final class ClientCall {
    let path: String
    let request: [UInt8]
    let metadata: Metadata
    let timeout: Duration?
    let promise: EventLoopPromise<ClientResponse>
    /// Server-streaming calls hand each message over as it arrives.
    let onMessage: (@Sendable ([UInt8]) -> Void)?
    var deframer: MessageDeframer
    var messages: [[UInt8]] = []
    var initialMetadata = Metadata()
    var sawHeaders = false
    var deadlineTimer: Scheduled<Void>?
    var completed = false

    init(path: String, request: [UInt8], metadata: Metadata, timeout: Duration?, maxReceive: Int,
         promise: EventLoopPromise<ClientResponse>, onMessage: (@Sendable ([UInt8]) -> Void)?) {
        self.path = path
        self.request = request
        self.metadata = metadata
        self.timeout = timeout
        self.promise = promise
        self.onMessage = onMessage
        self.deframer = MessageDeframer(maxMessageSize: maxReceive)
    }

    func succeed(trailers: Metadata) {
        guard !completed else { return }
        completed = true
        deadlineTimer?.cancel()
        promise.succeed(ClientResponse(messages: messages, initialMetadata: initialMetadata, trailingMetadata: trailers))
    }

    func fail(_ error: RPCError) {
        guard !completed else { return }
        completed = true
        deadlineTimer?.cancel()
        promise.fail(error)
    }

    /// The status in a trailer block; HTTP status mapped per the gRPC spec when grpc-status is missing.
    static func status(from fields: [HeaderField]) -> RPCError {
        if let raw = fields.first(named: "grpc-status"), let value = Int(raw) {
            let message = fields.first(named: "grpc-message").map(PercentEncoding.decode) ?? ""
            return RPCError(code: StatusCode(rawValue: value), message: message, metadata: Metadata(headers: fields))
        }
        let http = fields.first(named: ":status") ?? "none"
        let code: StatusCode = switch http {
        case "400": .internal
        case "401": .unauthenticated
        case "403": .permissionDenied
        case "404": .unimplemented
        case "429", "502", "503", "504": .unavailable
        default: .unknown
        }
        return RPCError(code: code, message: "the server answered HTTP status \(http) without a gRPC status")
    }
}
