/// Every error the services layer (ServiceKit, router, reward scorer, tagger) throws while
/// starting: a problem with the deployment's files, options or environment, found at run time
/// (not a command-line usage error, so no usage banner is printed for it). Calls are answered
/// with `RPCError`s; this is what stops a service from starting, and says what to fix.
public enum ServiceError: Error, Sendable, CustomStringConvertible {
    /// The admin token is missing, unreadable or too short.
    case adminToken(String, cause: (any Error & Sendable)? = nil)
    /// A file or option the service was given cannot be used (a taxonomy, a reward model that
    /// does not fit the encoder).
    case configuration(String, cause: (any Error & Sendable)? = nil)

    public var description: String {
        switch self {
        case .adminToken(let message, _), .configuration(let message, _): message
        }
    }

    /// The error of a lower layer that caused this one, if any.
    public var cause: (any Error & Sendable)? {
        switch self {
        case .adminToken(_, let cause), .configuration(_, let cause): cause
        }
    }
}
