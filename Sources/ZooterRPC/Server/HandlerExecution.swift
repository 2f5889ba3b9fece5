/// Runs one handler so that cancelling its `ServerContext` (deadline, reset, lost connection)
/// cancels the handler's task, and maps whatever it throws to an `RPCError`.
enum HandlerExecution {
    static func run(
        _ context: ServerContext, _ body: @escaping @Sendable () async throws -> [UInt8]
    ) async -> Result<[UInt8], RPCError> {
        await withTaskGroup(of: Result<[UInt8], RPCError>?.self) { group in
            group.addTask {
                defer { context.finish() }
                do {
                    return .success(try await body())
                } catch {
                    return .failure(RPCError(mapping: error))
                }
            }
            group.addTask {
                await context.cancelledOrFinished()
                return nil
            }
            var result: Result<[UInt8], RPCError>?
            for await outcome in group {
                if let outcome {
                    result = outcome
                } else if context.isCancelled {
                    group.cancelAll()
                }
            }
            return result ?? .failure(RPCError(code: .cancelled, message: "the call was cancelled"))
        }
    }
}

extension RPCError {
    /// An `RPCError` passes through; cancellation becomes CANCELLED; anything else is a server
    /// bug: INTERNAL with an incident id, never the error's text (it may name files, addresses or
    /// data). The connection logs the error under that id (`isUnexpected`).
    init(mapping error: any Error) {
        if let error = error as? RPCError {
            self = error
        } else if error is CancellationError {
            self = RPCError(code: .cancelled, message: "the call was cancelled")
        } else {
            let id = String(UInt32.random(in: .min ... .max), radix: 16)
            self = RPCError(code: .internal, message: "internal error \(id): the server logged the details; report this id",
                            cause: error)
            incident = id
        }
    }
}
