/// `grpc.health.v1.HealthCheckRequest`: asks for the health of one service.
public struct HealthCheckRequest: Sendable, Hashable {
    /// Fully qualified service name, e.g. `"zooter.v1.Router"`; empty asks about the whole server.
    public var service: String

    public init(service: String = "") {
        self.service = service
    }
}

/// `grpc.health.v1.HealthCheckResponse`: the health of the requested service.
public struct HealthCheckResponse: Sendable, Hashable {
    /// `grpc.health.v1.HealthCheckResponse.ServingStatus`.
    public enum ServingStatus: RawRepresentable, Sendable, Hashable {
        /// The server cannot tell; treat as not serving. Proto number 0.
        case unknown
        /// Proto number 1.
        case serving
        /// Proto number 2.
        case notServing
        /// Only from Watch: the service name is unknown. Proto number 3.
        case serviceUnknown
        /// A number this version does not know; treat as `.notServing`.
        case unrecognized(Int)

        public init(rawValue: Int) {
            switch rawValue {
            case 0: self = .unknown
            case 1: self = .serving
            case 2: self = .notServing
            case 3: self = .serviceUnknown
            default: self = .unrecognized(rawValue)
            }
        }

        public var rawValue: Int {
            switch self {
            case .unknown: 0
            case .serving: 1
            case .notServing: 2
            case .serviceUnknown: 3
            case .unrecognized(let number): number
            }
        }
    }

    public var status: ServingStatus

    public init(status: ServingStatus = .unknown) {
        self.status = status
    }
}
