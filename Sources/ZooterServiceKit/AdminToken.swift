public import Foundation
public import ZooterRPC

/// The shared secret admin calls (the router's LoadModel) must carry as
/// `authorization: Bearer <token>`.
///
/// Never taken from argv: `ps` shows every process's arguments to every user of the host. It
/// comes from a file (a container secret) or the environment variable `ZOOTER_ADMIN_TOKEN`.
public struct AdminToken: Sendable {
    public static let environmentVariable = "ZOOTER_ADMIN_TOKEN"
    /// Shorter tokens are refused: a guessable token is no better than none.
    public static let minimumLength = 16

    let bytes: [UInt8]

    public init(_ token: String) throws(ServiceError) {
        let trimmed = token.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.utf8.count >= Self.minimumLength else {
            throw .adminToken("the admin token must have at least \(Self.minimumLength) characters (e.g. `openssl rand -hex 32`)")
        }
        bytes = Array(trimmed.utf8)
    }

    /// The token from `file` if given, else from `ZOOTER_ADMIN_TOKEN`; nil when neither is set.
    public static func resolve(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ServiceError) -> AdminToken? {
        if let file {
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw .adminToken("cannot read the admin token file \(file): \(error.localizedDescription)", cause: error)
            }
            return try AdminToken(text)
        }
        if let value = environment[environmentVariable] { return try AdminToken(value) }
        return nil
    }

    /// The header value a client sends.
    public var authorizationHeader: String { "Bearer " + String(decoding: bytes, as: UTF8.self) }

    /// Whether `header` is `Bearer <this token>`, in time that does not depend on where the two
    /// differ (an early exit would let a caller find the token byte by byte).
    public func accepts(_ header: String) -> Bool {
        let presented = Array(header.utf8)
        let expected = Array(authorizationHeader.utf8)
        var difference = UInt8(presented.count == expected.count ? 0 : 1)
        for i in 0..<expected.count {
            difference |= expected[i] ^ (i < presented.count ? presented[i] : 0)
        }
        return difference == 0
    }
}
