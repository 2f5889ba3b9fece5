import Synchronization

/// Server-wide budgets shared by every connection: request bytes held before dispatch,
/// connections in total and per peer address, long-lived calls (watches).
///
/// Per-connection limits alone let many connections add up to more than the process has.
final class ServerBudget: Sendable {
    let maxBufferedBytes: Int
    let maxConnections: Int
    let maxConnectionsPerPeer: Int
    let maxLongLivedCalls: Int

    private let bufferedBytes = Atomic<Int>(0)
    private let longLivedCalls = Atomic<Int>(0)
    private let connections = Mutex<(total: Int, byPeer: [String: Int])>((0, [:]))

    init(configuration: ServerConfiguration) {
        maxBufferedBytes = configuration.maxBufferedBytesTotal
        maxConnections = configuration.maxConnections
        maxConnectionsPerPeer = configuration.maxConnectionsPerPeer
        maxLongLivedCalls = configuration.maxLongLivedCalls
    }

    /// Request bytes held right now across the server.
    var heldBytes: Int { bufferedBytes.load(ordering: .relaxed) }

    /// Takes `count` bytes of the request budget, or nothing when that would pass the limit.
    func reserveBytes(_ count: Int) -> Bool {
        if bufferedBytes.add(count, ordering: .relaxed).newValue > maxBufferedBytes {
            bufferedBytes.subtract(count, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseBytes(_ count: Int) {
        if count > 0 { bufferedBytes.subtract(count, ordering: .relaxed) }
    }

    func reserveLongLivedCall() -> Bool {
        if longLivedCalls.add(1, ordering: .relaxed).newValue > maxLongLivedCalls {
            longLivedCalls.subtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseLongLivedCall() { longLivedCalls.subtract(1, ordering: .relaxed) }

    enum ConnectionAdmission: Equatable { case accepted, tooMany, tooManyFromPeer }

    /// Admits a new connection from `peerHost` (an IP address) unless a cap is reached.
    func admitConnection(from peerHost: String) -> ConnectionAdmission {
        connections.withLock { state in
            guard state.total < maxConnections else { return .tooMany }
            guard state.byPeer[peerHost, default: 0] < maxConnectionsPerPeer else { return .tooManyFromPeer }
            state.total += 1
            state.byPeer[peerHost, default: 0] += 1
            return .accepted
        }
    }

    func releaseConnection(from peerHost: String) {
        connections.withLock { state in
            state.total -= 1
            let left = state.byPeer[peerHost, default: 1] - 1
            state.byPeer[peerHost] = left > 0 ? left : nil
        }
    }
}
