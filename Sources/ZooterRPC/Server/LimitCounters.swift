import CoreMetrics
public import Logging
import Synchronization

/// Every limit a client can trip, by name. An operator reading the counts (logs, the stopped
/// line, metrics later) can tell an attack or a misconfigured client from a bug.
public enum Limit: String, CaseIterable, Sendable {
    case connections = "connections"
    case connectionsPerPeer = "connections_per_peer"
    case bufferedBytesPerConnection = "buffered_bytes_per_connection"
    case bufferedBytesTotal = "buffered_bytes_total"
    case messageSize = "message_size"
    case inFlightCalls = "in_flight_calls"
    case inFlightCallsPerConnection = "in_flight_calls_per_connection"
    case longLivedCalls = "long_lived_calls"
    case longLivedCallsPerConnection = "long_lived_calls_per_connection"
    case requestReceiveTimeout = "request_receive_timeout"
    case maxCallDuration = "max_call_duration"
    case pendingOutboundBytes = "pending_outbound_bytes"
    case streamResetRate = "stream_reset_rate"
    case headerBlock = "header_block"
    case decodeBudget = "decode_budget"
    case textSize = "text_size"
}

/// Counts limit trips and logs them, at most once per limit per `logInterval` (a flood of
/// refusals must not become a flood of log lines): the first trip at once, then a summary.
public final class LimitCounters: Sendable {
    private struct State {
        var counts = [Limit: Int]()
        var unlogged = [Limit: Int]()
        var lastLogged = [Limit: ContinuousClock.Instant]()
    }
    private let state = Mutex(State())
    private let logger: Logger
    private let logInterval: Duration
    /// Made for every limit up front, so each is exported (at 0) before it first trips: an
    /// alert on a rate needs the series to exist.
    private let trips: [Limit: CoreMetrics.Counter]

    public init(logger: Logger, logInterval: Duration = .seconds(10)) {
        self.logger = logger
        self.logInterval = logInterval
        self.trips = Dictionary(uniqueKeysWithValues: Limit.allCases.map {
            ($0, Counter(label: MetricCatalog.limitTrips.name, dimensions: [("limit", $0.rawValue)]))
        })
    }

    /// Records one trip of `limit`; `detail` says what tripped it (peer, sizes).
    public func record(_ limit: Limit, _ detail: @autoclosure () -> String) {
        trips[limit]?.increment()
        let now = ContinuousClock.now
        let report: Int? = state.withLock { state in
            state.counts[limit, default: 0] += 1
            state.unlogged[limit, default: 0] += 1
            if let last = state.lastLogged[limit], now - last < logInterval { return nil }
            state.lastLogged[limit] = now
            defer { state.unlogged[limit] = 0 }
            return state.unlogged[limit]
        }
        if let report {
            logger.warning("limit reached", metadata: [
                "limit": "\(limit.rawValue)", "trips_since_last_log": "\(report)", "detail": "\(detail())"])
        }
    }

    /// Trips so far, by limit name (only limits that tripped).
    public var snapshot: [String: Int] {
        state.withLock { state in
            Dictionary(uniqueKeysWithValues: state.counts.map { ($0.key.rawValue, $0.value) })
        }
    }

    public func count(_ limit: Limit) -> Int { state.withLock { $0.counts[limit] ?? 0 } }
}
