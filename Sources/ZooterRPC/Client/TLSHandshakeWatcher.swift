import NIOCore
import NIOSSL
import NIOTLS

/// Sits behind the TLS handler and reports how the handshake ended, so a connection is handed
/// to calls only once it is encrypted, and a failed handshake fails them with its reason in
/// words (untrusted issuer, expired, wrong name) instead of a closed connection.
final class TLSHandshakeWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let address: String
    let serverName: String?
    /// A server that accepts the connection but never finishes the handshake must not hold the
    /// caller: past this the connection is closed and the call fails.
    let timeout: Duration
    private var promise: EventLoopPromise<Void>?
    private var timer: Scheduled<Void>?

    init(address: String, serverName: String?, timeout: Duration) {
        self.address = address
        self.serverName = serverName
        self.timeout = timeout
    }

    /// Succeeds when the handshake completes with `h2` (or no ALPN), fails otherwise.
    private(set) var completed: EventLoopFuture<Void>!

    func handlerAdded(context: ChannelHandlerContext) {
        let promise = context.eventLoop.makePromise(of: Void.self)
        self.promise = promise
        completed = promise.futureResult
        let (address, timeout) = (self.address, self.timeout)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: TimeAmount(timeout)) {
            let (watcher, context) = loopBound.value
            watcher.finish(.failure(RPCError(code: .unavailable, message: "the TLS handshake with \(address) did not complete within \(timeout)")))
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        finish(.failure(RPCError(code: .unavailable, message: "the TLS connection to \(address) closed before its handshake completed")))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted(let negotiated) = event {
            if let negotiated, negotiated != "h2" {
                finish(.failure(RPCError(code: .unavailable, message: "\(address) negotiated ALPN protocol '\(negotiated)', not h2: it is not a gRPC server")))
                context.close(promise: nil)
            } else {
                finish(.success(()))
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(.failure(RPCError(code: .unavailable, message: "TLS handshake with \(address) failed: \(Self.explain(error, serverName: serverName))",
                                 cause: error)))
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(.failure(RPCError(code: .unavailable, message: "\(address) closed the connection during the TLS handshake (does it speak TLS? does it require a client certificate?)")))
        context.fireChannelInactive()
    }

    private func finish(_ result: Result<Void, any Error>) {
        timer?.cancel()
        timer = nil
        guard let promise else { return }
        self.promise = nil
        promise.completeWith(result)
    }

    /// NIOSSL's errors, in the words an operator searches for.
    static func explain(_ error: any Error, serverName: String?) -> String {
        let text = "\(error)"
        if let error = error as? NIOSSLExtraError, error == .failedToValidateHostname {
            return "the server's certificate is not valid for \(serverName.map { "'\($0)'" } ?? "this address") (set the expected name with --tls-server-name)"
        }
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's certificate was not accepted (\(text))"
        }
        if text.contains("CERTIFICATE_REQUIRED") || text.contains("HANDSHAKE_FAILURE") {
            return "the server refused the handshake; it may require a client certificate (--tls-cert/--tls-key) (\(text))"
        }
        if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") {
            return "the server does not speak TLS (is it plaintext? then drop the TLS options) (\(text))"
        }
        return text
    }
}
