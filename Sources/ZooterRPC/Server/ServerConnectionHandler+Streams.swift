import NIOCore
import ZooterHTTP2

extension ServerConnectionHandler {
    func handle(_ event: HTTP2Event) {
        switch event {
        case .headers(let streamID, let fields, let endStream):
            if streams[streamID] == nil {
                let stream = ServerStream(maxMessageSize: configuration.maxReceiveMessageSize, clientEnded: endStream,
                                          startedAt: .now(), receiveTimeout: TimeAmount(configuration.requestReceiveTimeout))
                streams[streamID] = stream
                open(stream, streamID: streamID, headers: fields)
                armSweep()
            }
            if endStream { endOfRequest(streamID: streamID) }
        case .data(let streamID, let bytes):
            guard let stream = streams[streamID], stream.phase == .receiving else {
                // Answered already (or unknown): the bytes are dropped, so credit them at once.
                session?.consume(streamID: streamID, count: bytes.count)
                return
            }
            // Credit comes back when the request is dispatched or dropped (`release`): the
            // connection window, sized to the byte budget, then holds the client to it.
            stream.uncreditedBytes += bytes.count
            receive(stream, streamID: streamID, bytes: bytes)
        case .endOfData(let streamID):
            streams[streamID]?.clientEnded = true
            endOfRequest(streamID: streamID)
        case .streamClosed(let streamID, _):
            if let stream = streams.removeValue(forKey: streamID) {
                // The client withdrew a call we had not answered (RST_STREAM with any code, NO_ERROR
                // included: our own resets come after `markDone`).
                if stream.phase != .done && !resetLimiter.allow() {
                    limits.record(.streamResetRate, "peer \(peer) resets streams faster than \(configuration.streamResetsPerSecond)/s")
                    closeForAbuse()
                }
                stream.deadlineTimer?.cancel()
                stream.context?.cancel()
                release(stream, streamID: streamID)
            }
            if streams.isEmpty { lastIdleStart = .now() }
        case .goAway, .pingAcknowledged:
            break
        }
    }

    /// Validates request headers; on success the stream starts receiving its message.
    func open(_ stream: ServerStream, streamID: Int32, headers: [HeaderField]) {
        let method = headers.first(named: ":method") ?? ""
        let path = headers.first(named: ":path") ?? ""
        let contentType = headers.first(named: "content-type") ?? ""
        guard method == "POST" else {
            return reject(stream, streamID, httpStatus: "405", RPCError(
                code: .unimplemented, message: "HTTP method \(echo(method)) is not allowed: gRPC calls use POST"))
        }
        guard contentType.hasPrefix("application/grpc") else {
            return reject(stream, streamID, httpStatus: "415", RPCError(
                code: .internal, message: "content-type '\(echo(contentType))' is not gRPC: send application/grpc"))
        }
        if let encoding = headers.first(named: "grpc-encoding"), encoding != "identity" {
            return reject(stream, streamID, RPCError(
                code: .unimplemented, message: "grpc-encoding '\(echo(encoding))' is not supported: send uncompressed messages"))
        }
        let resolved: RPCMethod
        switch methods.lookup(path) {
        case .success(let found): resolved = found
        case .failure(let error): return reject(stream, streamID, error)
        }
        var deadline: ContinuousClock.Instant?
        var timeout: Duration?
        if let header = headers.first(named: "grpc-timeout") {
            guard let parsed = GRPCTimeout.parse(header) else {
                return reject(stream, streamID, RPCError(code: .invalidArgument, message: "grpc-timeout '\(echo(header))' is malformed"))
            }
            timeout = parsed
            deadline = .now + parsed
        }
        if !resolved.isLongLived {
            stream.callDeadline = stream.startedAt + TimeAmount(configuration.maxCallDuration)
        }
        let callContext = ServerContext(path: path, metadata: Metadata(headers: headers), deadline: deadline, peer: peer)
        stream.context = callContext
        stream.method = resolved
        if let authorizer = resolved.authorizer {
            // Before the body: an unauthorized caller costs us its headers, nothing more.
            do { try authorizer(callContext) } catch { return reject(stream, streamID, RPCError(mapping: error)) }
        }
        if let limit = resolved.maxRequestBytes, limit < stream.deframer.maxMessageSize {
            stream.deframer = MessageDeframer(maxMessageSize: limit)
        }
        stream.phase = .receiving
        if let timeout, let context {
            stream.deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) { [self] in
                deadlineExpired(streamID: streamID)
            }
        }
    }

    func receive(_ stream: ServerStream, streamID: Int32, bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if bufferedBytes + bytes.count > configuration.maxBufferedBytesPerConnection {
            limits.record(.bufferedBytesPerConnection, "peer \(peer) holds \(bufferedBytes) request bytes")
            return fail(streamID, RPCError(
                code: .resourceExhausted,
                message: "this connection holds \(bufferedBytes) bytes of requests not yet dispatched (limit \(configuration.maxBufferedBytesPerConnection)); send fewer large messages at once"))
        }
        guard budget.reserveBytes(bytes.count) else {
            limits.record(.bufferedBytesTotal, "server holds \(budget.heldBytes) request bytes; peer \(peer)")
            return fail(streamID, RPCError(
                code: .resourceExhausted,
                message: "the server holds its limit of \(budget.maxBufferedBytes) bytes of requests; retry with backoff"))
        }
        bufferedBytes += bytes.count
        stream.heldBytes += bytes.count
        do throws(MessageDeframer.Failure) {
            let messages = try stream.deframer.append(bytes)
            if case .conversation(let handler)? = stream.method?.handler {
                return converse(stream, streamID: streamID, messages: messages, handler: handler)
            }
            for message in messages {
                if stream.request != nil {
                    return fail(streamID, RPCError(
                        code: .internal, message: "a unary or server-streaming call carries exactly one request message; got more"))
                }
                stream.request = message
            }
        } catch {
            switch error {
            case .tooLarge(let length, let limit):
                limits.record(.messageSize, "peer \(peer): \(length)-byte request to \(echo(stream.context?.path ?? ""))")
                fail(streamID, RPCError(
                    code: .resourceExhausted,
                    message: "request message of \(length) bytes exceeds the limit of \(limit) bytes"))
            case .compressed:
                fail(streamID, RPCError(
                    code: .unimplemented, message: "compressed messages are not supported: send with identity encoding"))
            }
        }
    }

    func endOfRequest(streamID: Int32) {
        guard let stream = streams[streamID], stream.phase == .receiving else { return }
        if stream.deframer.hasPartialMessage {
            return fail(streamID, RPCError(code: .internal, message: "the request ended in the middle of a message (truncated frame)"))
        }
        if case .conversation? = stream.method?.handler {
            return succeed(streamID, message: nil)  // every message was answered as it came
        }
        guard let request = stream.request else {
            return fail(streamID, RPCError(code: .internal, message: "the request carried no message"))
        }
        stream.phase = .running
        stream.request = nil
        stream.deframer = MessageDeframer(maxMessageSize: 0)
        release(stream, streamID: streamID)
        run(stream, streamID: streamID, request: request)
    }

    /// Returns a stream's held bytes to the budgets and its DATA to the flow-control windows.
    /// Idempotent: called at dispatch, when the call ends, and when the stream or connection closes.
    func release(_ stream: ServerStream, streamID: Int32) {
        if stream.heldBytes > 0 {
            bufferedBytes -= stream.heldBytes
            budget.releaseBytes(stream.heldBytes)
            stream.heldBytes = 0
        }
        if stream.uncreditedBytes > 0 {
            session?.consume(streamID: streamID, count: stream.uncreditedBytes)
            stream.uncreditedBytes = 0
        }
    }

    /// Returns a call's in-flight share once its handler has returned (not when its stream
    /// closes: a reset call's handler may still be running, and must still count).
    func finishCall(_ admission: ServerStream.Admission) {
        switch admission {
        case .none: break
        case .work:
            workCalls -= 1
            metrics.handlerReturned()
        case .longLived:
            longLivedCalls -= 1
            budget.releaseLongLivedCall()
            metrics.handlerReturned()
        }
    }

    func deadlineExpired(streamID: Int32) {
        guard let stream = streams[streamID], stream.phase != .done else { return }
        stream.context?.cancel()
        fail(streamID, RPCError(code: .deadlineExceeded, message: "the deadline passed before the call completed"))
        flushSoon()
    }

    /// One sweep timer per connection while it has streams: requests that have not fully arrived
    /// in time, and calls past the server's maximum duration, end with DEADLINE_EXCEEDED.
    func armSweep() {
        guard sweepTimer == nil, let context else { return }
        let shortest = min(configuration.requestReceiveTimeout, configuration.maxCallDuration)
        let interval = max(TimeAmount.milliseconds(10), min(TimeAmount.seconds(1), TimeAmount(shortest / 4)))
        sweepTimer = context.eventLoop.assumeIsolated().scheduleTask(in: interval) { [self] in
            sweepTimer = nil
            sweep()
            if !streams.isEmpty && !closing { armSweep() }
        }
    }

    func sweep() {
        let now = NIODeadline.now()
        // Answers queued for a client that has not taken a byte of them for a receive timeout
        // (it stopped reading, or never opens its window): the connection goes.
        if let session, session.queuedBodyBytes > 0,
           now - lastSendProgress > TimeAmount(configuration.requestReceiveTimeout) {
            limits.record(.pendingOutboundBytes, "peer \(peer) took none of \(session.queuedBodyBytes) queued response bytes in \(configuration.requestReceiveTimeout)")
            closing = true
            context?.close(promise: nil)
            return
        }
        for (streamID, stream) in streams {
            switch stream.phase {
            case .receiving where now > stream.receiveDeadline:
                limits.record(.requestReceiveTimeout, "peer \(peer) did not finish a request to \(echo(stream.context?.path ?? ""))")
                stream.context?.cancel()
                fail(streamID, RPCError(code: .deadlineExceeded,
                                        message: "the request did not arrive completely within \(configuration.requestReceiveTimeout) of its headers"))
            case .running where stream.callDeadline.map { now > $0 } == true:
                limits.record(.maxCallDuration, "a call to \(echo(stream.context?.path ?? "")) ran past \(configuration.maxCallDuration)")
                stream.context?.cancel()
                fail(streamID, RPCError(code: .deadlineExceeded,
                                        message: "the call ran past the server's maximum of \(configuration.maxCallDuration)"))
            default:
                break
            }
        }
        flushSoon()
    }
}
