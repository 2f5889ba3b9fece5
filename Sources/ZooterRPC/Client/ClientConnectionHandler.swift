import NIOCore
import ZooterHTTP2

/// One client-side HTTP/2 connection: multiplexes calls as streams of one nghttp2 session.
final class ClientConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let authority: String
    /// "https" over TLS, "http" for h2c.
    let scheme: String
    var session: HTTP2Session?
    var context: ChannelHandlerContext?
    var calls: [Int32: ClientCall] = [:]
    /// The server sent GOAWAY (or the connection failed): no new streams here.
    private(set) var isUsable = true
    /// Why the connection failed, for calls that arrive after it did.
    private var failure: RPCError?

    init(authority: String, scheme: String) {
        self.authority = authority
        self.scheme = scheme
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        session = try? HTTP2Session(role: .client)
        if session == nil { isUsable = false }
    }

    /// Breaks the handler ↔ context cycle so a closed connection frees its pipeline and session.
    func handlerRemoved(context: ChannelHandlerContext) {
        isUsable = false
        failAll(RPCError(code: .unavailable, message: "the connection to \(authority) closed before the call completed"))
        self.context = nil
        session = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        flush()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session else { return }
        do {
            for event in try session.receive(unwrapInboundIn(data).readableBytesView) { handle(event) }
        } catch {
            isUsable = false
            failAll(RPCError(code: .unavailable, message: "the server broke the HTTP/2 protocol: \(error)"))
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isUsable = false
        failAll(RPCError(code: .unavailable, message: "the connection to \(authority) closed before the call completed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        isUsable = false
        // Say why before the close fails the calls with "closed": over TLS 1.3 a server that
        // wants a client certificate rejects it only after the client's handshake completed.
        let failure = RPCError(code: .unavailable, message: "the connection to \(authority) failed: \(TLSHandshakeWatcher.explain(error, serverName: nil))",
                               cause: error)
        self.failure = failure
        failAll(failure)
        context.close(promise: nil)
    }

    /// Starts a call on a new stream (on the loop).
    func start(_ call: ClientCall) {
        guard isUsable, let session, let context else {
            return call.fail(failure ?? RPCError(code: .unavailable, message: "the connection to \(authority) is not usable"))
        }
        var headers = [
            HeaderField(":method", "POST"), HeaderField(":scheme", scheme), HeaderField(":path", call.path),
            HeaderField(":authority", authority), HeaderField("content-type", "application/grpc"),
            HeaderField("te", "trailers"), HeaderField("user-agent", "zooter-grpc/1"),
            HeaderField("grpc-accept-encoding", "identity"),
        ]
        if let timeout = call.timeout { headers.append(HeaderField("grpc-timeout", GRPCTimeout.encode(timeout))) }
        headers += call.metadata.headerFields
        let streamID: Int32
        do {
            streamID = try session.request(headers: headers)
        } catch {
            isUsable = false
            return call.fail(RPCError(code: .unavailable, message: "cannot open a stream to \(authority): \(error)"))
        }
        calls[streamID] = call
        session.send(streamID: streamID, bytes: framed(call.request))
        session.finish(streamID: streamID)
        if let timeout = call.timeout {
            call.deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [self] in
                guard let call = calls.removeValue(forKey: streamID) else { return }
                self.session?.reset(streamID: streamID, errorCode: 8)  // CANCEL
                call.fail(RPCError(code: .deadlineExceeded, message: "no response from \(authority) within \(timeout)"))
                flush()
            }
        }
        flush()
    }

    /// The caller's task was cancelled: reset the stream and fail the call CANCELLED.
    func cancel(_ promise: EventLoopPromise<ClientResponse>) {
        guard let (streamID, call) = calls.first(where: { $0.value.promise.futureResult === promise.futureResult }) else {
            return
        }
        calls[streamID] = nil
        session?.reset(streamID: streamID, errorCode: 8)  // CANCEL
        call.fail(RPCError(code: .cancelled, message: "the caller cancelled the call"))
        flush()
    }

    func handle(_ event: HTTP2Event) {
        switch event {
        case .headers(let streamID, let fields, let endStream):
            guard let call = calls[streamID] else { return }
            if !call.sawHeaders {
                call.sawHeaders = true
                call.initialMetadata = Metadata(headers: fields)
                let contentType = fields.first(named: "content-type") ?? ""
                if !endStream, fields.first(named: ":status") != "200" || !contentType.hasPrefix("application/grpc") {
                    return finish(streamID, with: ClientCall.status(from: fields))
                }
            }
            if endStream {
                let status = ClientCall.status(from: fields)
                if status.code == .ok {
                    if call.deframer.hasPartialMessage {
                        return finish(streamID, with: RPCError(code: .internal, message: "the response ended in the middle of a message"))
                    }
                    if call.onMessage == nil && call.messages.count != 1 {
                        return finish(streamID, with: RPCError(
                            code: .internal, message: "a unary response must carry exactly one message; \(authority) sent \(call.messages.count)"))
                    }
                    calls[streamID] = nil
                    call.succeed(trailers: status.metadata)
                } else {
                    finish(streamID, with: status)
                }
            }
        case .data(let streamID, let bytes):
            session?.consume(streamID: streamID, count: bytes.count)
            guard let call = calls[streamID] else { return }
            do throws(MessageDeframer.Failure) {
                for message in try call.deframer.append(bytes) {
                    if let onMessage = call.onMessage { onMessage(message); continue }
                    // Unary: a second message is a broken or hostile server; fail now rather
                    // than buffer whatever it sends until its trailers.
                    guard call.messages.isEmpty else {
                        session?.reset(streamID: streamID, errorCode: 8)
                        return finish(streamID, with: RPCError(
                            code: .internal, message: "a unary response must carry exactly one message; \(authority) sent more"))
                    }
                    call.messages.append(message)
                }
            } catch {
                session?.reset(streamID: streamID, errorCode: 8)
                switch error {
                case .tooLarge(let length, let limit):
                    finish(streamID, with: RPCError(code: .resourceExhausted, message: "response message of \(length) bytes exceeds the client's limit of \(limit) bytes"))
                case .compressed:
                    finish(streamID, with: RPCError(code: .internal, message: "the server sent a compressed message although we accept only identity"))
                }
            }
        case .endOfData:
            break
        case .streamClosed(let streamID, let errorCode):
            guard calls[streamID] != nil else { return }
            let error = errorCode == 7
                ? RPCError(code: .unavailable, message: "\(authority) refused the stream (it is shutting down or at its stream limit)")
                : RPCError(code: errorCode == 8 ? .cancelled : .internal,
                           message: "\(authority) reset the stream (HTTP/2 error \(errorCode)) before sending a status")
            finish(streamID, with: error)
        case .goAway:
            isUsable = false
        case .pingAcknowledged:
            break
        }
    }

    func finish(_ streamID: Int32, with error: RPCError) {
        calls.removeValue(forKey: streamID)?.fail(error)
    }

    func failAll(_ error: RPCError) {
        let pending = calls
        calls.removeAll()
        for call in pending.values { call.fail(error) }
    }

    func flush() {
        guard let session, let context else { return }
        let bytes: [UInt8]
        do {
            bytes = try session.takeOutbound()
        } catch {
            isUsable = false
            failAll(RPCError(code: .unavailable, message: "the HTTP/2 session to \(authority) failed: \(error)"))
            context.close(promise: nil)
            return
        }
        if !bytes.isEmpty {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
        }
        for event in session.takeEvents() { handle(event) }
    }
}
