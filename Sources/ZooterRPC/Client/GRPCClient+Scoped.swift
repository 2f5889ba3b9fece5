import NIOPosix

extension GRPCClient {
    /// Runs `body` with a client for `target` and closes the client when `body` returns or
    /// throws, so no caller can leak one. Host names are resolved on NIO's blocking thread pool,
    /// not on the caller's (getaddrinfo can take seconds).
    public static func withClient<Result: Sendable>(
        target: String, configuration: ClientConfiguration = ClientConfiguration(),
        _ body: (GRPCClient) async throws -> Result
    ) async throws -> Result {
        let endpoints = try await NIOThreadPool.singleton.runIfActive { try GRPCClient.resolve(target) }
        let client = try GRPCClient(endpoints: endpoints, configuration: configuration, target: target)
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}
