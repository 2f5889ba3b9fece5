import NIOCore
import ZooterHTTP2

extension ServerConnectionHandler {
    func handle(_ event: HTTP2Event) {
        switch event {
        case .headers(let streamID, let fields, let endStream):
            if streams[streamID] == nil {
                let stream = ServerStream(maxMessageSize: configuration.maxReceiveMessageSize, clientEnded: endStream)
                streams[streamID] = stream
                open(stream, streamID: streamID, headers: fields)
            }
            if endStream { endOfRequest(streamID: streamID) }
        case .data(let streamID, let bytes):
            // Credit the windows at once: a message is bounded by maxReceiveMessageSize (checked
            // from its prefix) and calls by the stream and in-flight limits.
            session?.consume(streamID: streamID, count: bytes.count)
            receive(streamID: streamID, bytes: bytes)
        case .endOfData(let streamID):
            streams[streamID]?.clientEnded = true
            endOfRequest(streamID: streamID)
        case .streamClosed(let streamID, _):
            if let stream = streams.removeValue(forKey: streamID) {
                bufferedBytes -= stream.deframer.bufferedCount
                stream.deadlineTimer?.cancel()
                stream.context?.cancel()
            }
            if streams.isEmpty { lastIdleStart = .now() }
        case .goAway:
            break
        }
    }

    /// Validates request headers; on success the stream starts receiving its message.
    func open(_ stream: ServerStream, streamID: Int32, headers: [HeaderField]) {

        let method = headers.first(named: ":method") ?? ""
        let path = headers.first(named: ":path") ?? ""
        let contentType = headers.first(named: "content-type") ?? ""
        guard method == "POST" else {
            return reject(streamID, httpStatus: "405", RPCError(
                code: .unimplemented, message: "HTTP method \(echo(method)) is not allowed: gRPC calls use POST"))
        }
        guard contentType.hasPrefix("application/grpc") else {
            return reject(streamID, httpStatus: "415", RPCError(
                code: .internal, message: "content-type '\(echo(contentType))' is not gRPC: send application/grpc"))
        }
        if let encoding = headers.first(named: "grpc-encoding"), encoding != "identity" {
            return reject(streamID, RPCError(
                code: .unimplemented, message: "grpc-encoding '\(echo(encoding))' is not supported: send uncompressed messages"))
        }
        let resolved: RPCMethod
        switch methods.lookup(path) {
        case .success(let found): resolved = found
        case .failure(let error): return reject(streamID, error)
        }
        var deadline: ContinuousClock.Instant?
        var timeout: Duration?
        if let header = headers.first(named: "grpc-timeout") {
            guard let parsed = GRPCTimeout.parse(header) else {
                return reject(streamID, RPCError(code: .invalidArgument, message: "grpc-timeout '\(echo(header))' is malformed"))
            }
            timeout = parsed
            deadline = .now + parsed
        }
        let callContext = ServerContext(path: path, metadata: Metadata(headers: headers), deadline: deadline, peer: peer)
        stream.context = callContext
        stream.method = resolved
        if let authorizer = resolved.authorizer {
            // Before the body: an unauthorized caller costs us its headers, nothing more.
            do { try authorizer(callContext) } catch { return reject(streamID, RPCError(mapping: error)) }
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

    func receive(streamID: Int32, bytes: [UInt8]) {
        guard let stream = streams[streamID], stream.phase == .receiving else { return }
        let before = stream.deframer.bufferedCount
        defer { bufferedBytes += stream.deframer.bufferedCount - before }
        if bufferedBytes + bytes.count > configuration.maxBufferedBytesPerConnection {
            return fail(streamID, RPCError(
                code: .resourceExhausted,
                message: "this connection holds \(bufferedBytes) bytes of unfinished requests (limit \(configuration.maxBufferedBytesPerConnection)); send fewer large messages at once"))
        }
        do throws(MessageDeframer.Failure) {
            let messages = try stream.deframer.append(bytes)
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
        guard let request = stream.request else {
            return fail(streamID, RPCError(code: .internal, message: "the request carried no message"))
        }
        stream.phase = .running
        stream.request = nil
        run(stream, streamID: streamID, request: request)
    }

    func deadlineExpired(streamID: Int32) {
        guard let stream = streams[streamID], stream.phase != .done else { return }
        stream.context?.cancel()
        fail(streamID, RPCError(code: .deadlineExceeded, message: "the deadline passed before the call completed"))
        flushSoon()
    }
}
