import Testing
import ZooterRPC
import ZooterWire

/// What the end-to-end suites do with a running service: a typed unary call, and a call that must
/// fail with a given status and a message a caller can act on.
protocol ServiceCalls {}

extension ServiceCalls {
    func call<Response: WireMessage>(_ client: GRPCClient, _ path: String, _ request: some WireMessage,
                                     metadata: Metadata = Metadata()) async throws -> Response {
        try Response(wireBytes: try await client.unary(path: path, request: request.wireBytes(), metadata: metadata, timeout: .seconds(120)).message)
    }

    func expectStatus(_ code: StatusCode, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("expected \(code), the call succeeded", sourceLocation: sourceLocation)
        } catch let error as RPCError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }
}
