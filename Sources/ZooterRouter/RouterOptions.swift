public import ArgumentParser
import Foundation
public import ZooterServiceKit

/// Options of zooter-router beyond the shared server and encoder options.
public struct RouterOptions: ParsableArguments, Sendable {
    @Option(help: "An artifact directory to load at startup (otherwise the current valid one under --artifact-root, or wait for LoadModel).")
    public var artifact: String?

    @Option(name: .customLong("artifact-root"),
            help: "The only folder LoadModel's artifact_path may point into; at startup the artifact a `current` link there (or in a subfolder) names is loaded, else the newest valid one.")
    public var artifactRoot: String?

    @Option(name: .customLong("admin-token-file"),
            help: "File holding the token LoadModel callers must send as 'authorization: Bearer <token>' (or set ZOOTER_ADMIN_TOKEN). Without one LoadModel is refused.")
    public var adminTokenFile: String?

    @Flag(name: .customLong("allow-unauthenticated-admin"),
          help: "Local development only: let anyone call LoadModel when no admin token is set.")
    public var allowUnauthenticatedAdmin = false

    public init() {}

    /// Who may call LoadModel.
    public func adminPolicy() throws -> AdminPolicy {
        if let token = try AdminToken.resolve(file: adminTokenFile) { return .token(token) }
        return allowUnauthenticatedAdmin ? .open : .closed
    }
}

/// Who may call the router's admin method.
public enum AdminPolicy: Sendable {
    /// Callers presenting this token.
    case token(AdminToken)
    /// Anyone (`--allow-unauthenticated-admin`, local development).
    case open
    /// No one: no token was configured (the default).
    case closed
}
