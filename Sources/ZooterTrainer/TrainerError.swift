public import ZooterCore
public import ZooterRPC

/// Every error the trainer's jobs throw, by what went wrong, so a caller can tell a bad dataset
/// from an unreachable service; the message says what to fix and the lower layer's error is
/// kept as it was thrown.
public enum TrainerError: Error, Sendable, CustomStringConvertible {
    /// The data given cannot be used for this job (no rewards, a response missing, an input
    /// file that is not what the command reads).
    case input(String, cause: (any Error & Sendable)? = nil)
    /// An option this job needs was not given.
    case missingOption(String)
    /// Reading the dataset, training or evaluating failed in the core.
    case core(CoreError)
    /// A service (tagger, reward replica, router) could not be reached or answered wrongly.
    case service(String, cause: RPCError? = nil)
    /// Publishing the artifact under the output folder failed.
    case publish(String)

    public var description: String {
        switch self {
        case .input(let message, _), .missingOption(let message), .service(let message, _), .publish(let message): message
        case .core(let error): error.description
        }
    }
}
