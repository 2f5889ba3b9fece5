public import ZooterRPC
public import ZooterWire

extension RPCMethod {
    /// A unary method over typed messages: the request is decoded (malformed bytes or invalid
    /// UTF-8 → INVALID_ARGUMENT naming the problem), the handler runs off the event loop.
    public static func unary<Request: WireMessage, Response: WireMessage>(
        _ path: String, _ handler: @escaping @Sendable (Request, ServerContext) async throws -> Response
    ) -> RPCMethod {
        .unary(path) { bytes, context in
            try await handler(try decode(Request.self, bytes, path), context).wireBytes()
        }
    }

    /// A typed unary method cheap enough to run on the event loop (health checks).
    public static func inlineUnary<Request: WireMessage, Response: WireMessage>(
        _ path: String, _ handler: @escaping @Sendable (Request, ServerContext) throws -> Response
    ) -> RPCMethod {
        .inlineUnary(path) { bytes, context in
            try handler(try decode(Request.self, bytes, path), context).wireBytes()
        }
    }

    /// A typed server-streaming method.
    public static func serverStreaming<Request: WireMessage, Response: WireMessage>(
        _ path: String,
        _ handler: @escaping @Sendable (Request, ServerContext, @Sendable (Response) async throws -> Void) async throws -> Void
    ) -> RPCMethod {
        .serverStreaming(path) { bytes, context, write in
            try await handler(try decode(Request.self, bytes, path), context) { response in
                try await write(response.wireBytes())
            }
        }
    }
}

/// Decodes a request, turning wire errors into INVALID_ARGUMENT.
func decode<Message: WireMessage>(_ type: Message.Type, _ bytes: [UInt8], _ path: String) throws(RPCError) -> Message {
    do {
        return try Message(wireBytes: bytes)
    } catch where error.code == .tooExpensive {
        throw RPCError(code: .resourceExhausted, message: "request to \(path) refused: \(error.message)", cause: error, limit: .decodeBudget)
    } catch {
        throw RPCError(code: .invalidArgument, message: "request to \(path) is not a valid \(Message.self): \(error)", cause: error)
    }
}
