import Glibc
import GRPCCore
import GRPCNIOTransportHTTP2

/// Messages as raw bytes: the benchmark's requests and replies are fixed, so no code generation
/// (and no package that is not available offline) is needed.
struct RawBytes: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ bytes: Bytes) throws -> [UInt8] { bytes.withUnsafeBytes { Array($0) } }
}

/// `grpc-swift2-health PORT`: serves grpc.health.v1.Health/Check (always SERVING) on
/// 127.0.0.1:PORT with grpc-swift 2 until killed; prints "PORT n" once it listens.
@main
struct HealthServer {
    static func main() async throws {
        let port = Int(CommandLine.arguments.dropFirst().first ?? "0") ?? 0
        let transport = HTTP2ServerTransport.Posix(address: .ipv4(host: "127.0.0.1", port: port), transportSecurity: .plaintext)
        var router = RPCRouter<HTTP2ServerTransport.Posix>()
        let serving: [UInt8] = [0x08, 0x01]  // HealthCheckResponse { status: SERVING }
        router.registerHandler(
            forMethod: MethodDescriptor(service: ServiceDescriptor(fullyQualifiedService: "grpc.health.v1.Health"), method: "Check"),
            deserializer: RawBytes(), serializer: RawBytes()
        ) { request, _ in
            for try await _ in request.messages {}
            return StreamingServerResponse(single: ServerResponse(message: serving))
        }
        let server = GRPCServer(transport: transport, router: router)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await server.serve() }
            if let address = try await transport.listeningAddress.ipv4 {
                print("PORT \(address.port)")
                fflush(nil)  // a pipe buffers: the benchmark waits for this line (nil: every stream)
            }
        }
    }
}
