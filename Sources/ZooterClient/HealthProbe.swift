/// `grpc.health.v1.Health/Check` against any Zooter service (or any gRPC server that has it).
public enum HealthProbe {
    /// The serving status of `service` ("" for the server as a whole).
    public static func check(_ client: GRPCClient, service: String = "", timeout: Duration = .seconds(2)) async throws -> HealthCheckResponse.ServingStatus {
        let reply = try await client.unary(path: "/grpc.health.v1.Health/Check", request: HealthCheckRequest(service: service).wireBytes(),
                                           timeout: timeout)
        return try HealthCheckResponse(wireBytes: reply.message).status
    }
}
