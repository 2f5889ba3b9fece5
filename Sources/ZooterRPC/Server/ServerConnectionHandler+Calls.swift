import Logging
import NIOCore
import ZooterHTTP2

extension ServerConnectionHandler {
    /// Runs the call's handler: trivial ones inline, the rest on the dispatcher's task group.
    func run(_ stream: ServerStream, streamID: Int32, request: [UInt8]) {
        guard let method = stream.method, let callContext = stream.context, let context else { return }
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        var share = ServerStream.Admission.none
        if case .inline = method.handler {} else {
            guard let admitted = admit(method: method, streamID: streamID) else { return }
            share = admitted
        }
        let admission: CallDispatcher.Admission
        switch method.handler {
        case .inline(let handler):
            do {
                succeed(streamID, message: try handler(request, callContext))
            } catch {
                fail(streamID, RPCError(mapping: error))
            }
            return
        case .unary(let handler):
            admission = dispatcher.submit {
                let result = await HandlerExecution.run(callContext) { try await handler(request, callContext) }
                loop.execute {
                    bound.value.finishCall(share)
                    bound.value.complete(streamID, result.map { Optional($0) })
                }
            }
        case .conversation:
            // Answered message by message as they arrive (`converse`); never dispatched whole.
            return fail(streamID, RPCError(code: .internal, message: "a conversation call was dispatched as a whole"))
        case .serverStreaming(let handler):
            let writer: RPCMethod.ResponseWriter = { message in
                try await loop.submit { try bound.value.stream(streamID, message: message) }.get()
            }
            admission = dispatcher.submit(longLived: method.isLongLived) {
                let result = await HandlerExecution.run(callContext) {
                    try await handler(request, callContext, writer)
                    return []
                }
                loop.execute {
                    bound.value.finishCall(share)
                    bound.value.complete(streamID, result.map { _ in nil })
                }
            }
        }
        switch admission {
        case .accepted:
            break
        case .overloaded:
            finishCall(share)
            limits.record(.inFlightCalls, "\(dispatcher.maxInFlight) calls in flight; peer \(peer)")
            fail(streamID, RPCError(
                code: .resourceExhausted,
                message: "the server is at its limit of \(dispatcher.maxInFlight) calls in flight; retry with backoff"))
        case .stopped:
            finishCall(share)
            fail(streamID, RPCError(code: .unavailable, message: "the server is shutting down; retry on another replica"))
        }
    }

    /// Takes the connection's share for a call about to run, or refuses it (nil): work calls share
    /// the in-flight limit per connection, long-lived ones (watches) have their own small caps.
    /// The share is returned by `finishCall` when the handler has returned.
    func admit(method: RPCMethod, streamID: Int32) -> ServerStream.Admission? {
        if method.isLongLived {
            guard longLivedCalls < configuration.maxLongLivedCallsPerConnection else {
                limits.record(.longLivedCallsPerConnection, "peer \(peer) holds \(longLivedCalls) long-lived calls")
                fail(streamID, RPCError(code: .resourceExhausted,
                                        message: "this connection has \(longLivedCalls) long-lived calls open (limit \(configuration.maxLongLivedCallsPerConnection))"))
                return nil
            }
            guard budget.reserveLongLivedCall() else {
                limits.record(.longLivedCalls, "server at \(budget.maxLongLivedCalls) long-lived calls; peer \(peer)")
                fail(streamID, RPCError(code: .resourceExhausted,
                                        message: "the server has its limit of \(budget.maxLongLivedCalls) long-lived calls open; retry later"))
                return nil
            }
            longLivedCalls += 1
            metrics.handlerStarted()
            return .longLived
        } else {
            guard workCalls < configuration.maxInFlightCallsPerConnection else {
                limits.record(.inFlightCallsPerConnection, "peer \(peer) has \(workCalls) calls in flight")
                fail(streamID, RPCError(code: .resourceExhausted,
                                        message: "this connection has \(workCalls) calls in flight (limit \(configuration.maxInFlightCallsPerConnection)); retry with backoff or open another connection"))
                return nil
            }
            workCalls += 1
            metrics.handlerStarted()
            return .work
        }
    }

    /// A handler finished (called on the loop): send its result if the call is still open.
    func complete(_ streamID: Int32, _ result: Result<[UInt8]?, RPCError>) {
        guard let stream = streams[streamID], stream.phase == .running else { return }
        switch result {
        case .success(let message): succeed(streamID, message: message)
        case .failure(let error): fail(streamID, error)
        }
        flushSoon()
    }

    /// Sends one message of a server-streaming response.
    func stream(_ streamID: Int32, message: [UInt8]) throws {
        guard let stream = streams[streamID], stream.phase == .running, let session else {
            throw RPCError(code: .cancelled, message: "the call is no longer open")
        }
        guard message.count <= configuration.maxSendMessageSize else {
            throw RPCError(code: .resourceExhausted, message: "response message of \(message.count) bytes exceeds the send limit of \(configuration.maxSendMessageSize) bytes")
        }
        if !stream.headersSent { try sendResponseHeaders(stream, streamID) }
        session.send(streamID: streamID, bytes: framed(message))
        flushSoon()
    }

    /// OK: headers (if not yet sent), the message (if any), trailers with grpc-status 0.
    func succeed(_ streamID: Int32, message: [UInt8]?) {
        guard let stream = streams[streamID], let session else { return }
        if let message, message.count > configuration.maxSendMessageSize {
            return fail(streamID, RPCError(
                code: .resourceExhausted,
                message: "response message of \(message.count) bytes exceeds the send limit of \(configuration.maxSendMessageSize) bytes"))
        }
        do {
            if !stream.headersSent { try sendResponseHeaders(stream, streamID) }
            if let message { session.send(streamID: streamID, bytes: framed(message)) }
            session.finish(streamID: streamID, trailers: statusFields(stream, .ok, nil, stream.context?.trailers))
            markDone(stream, streamID)
        } catch {
            markDone(stream, streamID)
            session.reset(streamID: streamID, errorCode: 2)  // INTERNAL_ERROR
        }
    }

    /// A failed call: trailers-only when nothing was sent yet, otherwise trailers.
    func fail(_ streamID: Int32, _ error: RPCError) {
        guard let stream = streams[streamID], stream.phase != .done, let session else { return }
        if let limit = error.limit {
            limits.record(limit, "peer \(peer), \(echo(stream.context?.path ?? "")): \(error.message)")
        }
        if let incident = error.incident {
            var metadata: Logger.Metadata = [
                "incident": "\(incident)", "path": "\(echo(stream.context?.path ?? ""))", "peer": "\(peer)",
                "error": "\(error.cause.map { String(describing: $0) } ?? "?")"]
            metadata.merge(stream.context?.identity.loggingMetadata ?? [:]) { current, _ in current }
            logger.error("internal error", metadata: metadata)
        }
        if stream.headersSent {
            session.finish(streamID: streamID, trailers: statusFields(stream, error.code, error.message, error.metadata))
            markDone(stream, streamID)
        } else {
            reject(stream, streamID, error)
        }
    }

    /// A trailers-only response (HEADERS with END_STREAM) carrying the status.
    func reject(_ stream: ServerStream, _ streamID: Int32, httpStatus: String = "200", _ error: RPCError) {
        var fields = [HeaderField(":status", httpStatus), HeaderField("content-type", "application/grpc")]
        if error.code == .unimplemented { fields.append(HeaderField("grpc-accept-encoding", "identity")) }
        fields += statusFields(stream, error.code, error.message, error.metadata)
        do {
            try session?.respond(streamID: streamID, headers: fields, hasBody: false)
            // The client may still be sending (we answered from the headers or the length prefix):
            // RST_STREAM NO_ERROR after the status tells it to stop, as the gRPC spec allows.
            if !stream.clientEnded { session?.resetAfterResponse(streamID: streamID) }
        } catch {
            session?.reset(streamID: streamID, errorCode: 2)
        }
        markDone(stream, streamID)
    }

    func sendResponseHeaders(_ stream: ServerStream, _ streamID: Int32) throws {
        try session?.respond(streamID: streamID, headers: [
            HeaderField(":status", "200"), HeaderField("content-type", "application/grpc"),
            HeaderField("grpc-accept-encoding", "identity"),
        ], hasBody: true)
        stream.headersSent = true
    }

    func statusFields(_ stream: ServerStream, _ code: StatusCode, _ message: String?, _ metadata: Metadata?) -> [HeaderField] {
        counters.record(code)
        metrics.callEnded(path: stream.method?.path ?? stream.context?.path, code: code,
                          elapsedNanoseconds: (NIODeadline.now() - stream.startedAt).nanoseconds)
        var fields = [HeaderField("grpc-status", code.headerValue)]
        // Capped: a message quoting client input must never make the status too large to send
        // (nghttp2 would drop the HEADERS and the call would never end).
        if let message, !message.isEmpty {
            let capped = message.count > 1024 ? String(message.prefix(1024)) + "…" : message
            fields.append(HeaderField("grpc-message", PercentEncoding.encode(capped)))
        }
        if let metadata { fields += metadata.headerFields }
        return fields
    }

    /// The stream (still in the table: callers hold it from a lookup this turn) has its status.
    func markDone(_ stream: ServerStream, _ streamID: Int32) {
        stream.phase = .done
        stream.deadlineTimer?.cancel()
        stream.deadlineTimer = nil
        release(stream, streamID: streamID)
    }
}
