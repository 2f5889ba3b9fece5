/// What stops the gateway from starting: its configuration or tenants file cannot be used. The
/// message says which file, which setting and what to fix. Requests are answered with
/// `OpenAIError`s instead.
public enum GatewayError: Error, Sendable, CustomStringConvertible {
    case configuration(String)

    public var description: String {
        switch self {
        case .configuration(let message): message
        }
    }
}
