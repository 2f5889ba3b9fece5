public import ArgumentParser
import Foundation

/// Options of zooter-router beyond the shared server and encoder options.
public struct RouterOptions: ParsableArguments, Sendable {
    @Option(help: "An artifact directory to load at startup (otherwise wait for LoadModel).")
    public var artifact: String?

    @Option(name: .customLong("admin-token"), help: "Token LoadModel callers must send as 'authorization: Bearer <token>'.")
    public var adminToken: String?

    @Option(name: .customLong("admin-token-file"), help: "Read the admin token from this file (e.g. a container secret).")
    public var adminTokenFile: String?

    public init() {}

    /// The token from --admin-token or --admin-token-file, trimmed; nil when neither is set.
    public func resolvedAdminToken() throws -> String? {
        if let adminToken { return adminToken }
        guard let adminTokenFile else { return nil }
        do {
            let token = try String(contentsOfFile: adminTokenFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty else { throw ValidationError("--admin-token-file \(adminTokenFile) is empty") }
            return token
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("cannot read --admin-token-file \(adminTokenFile): \(error.localizedDescription)")
        }
    }
}
