import CoreMetrics
import NIOCore
import Synchronization

/// What a gRPC server counts, through swift-metrics: the process chooses the backend
/// (Prometheus in the services, none in library tests). Handles are made once per label set and
/// kept, so a call costs a lock and a few atomic adds, not a registry lookup.
final class ServerMetrics: Sendable {
    /// The paths that may appear as a `method` label; any other path is "unknown", so a client
    /// cannot grow the label set by calling made-up methods.
    private let knownPaths: Set<String>
    private struct Handles {
        var calls: [String: [CoreMetrics.Counter?]] = [:]
        var durations: [String: CoreMetrics.Timer] = [:]
    }
    private let handles = Mutex(Handles())
    private let inFlight = Meter(label: MetricCatalog.inFlightCalls.name)
    private let openConnections = Meter(label: MetricCatalog.openConnections.name)
    private let acceptedConnections = Counter(label: MetricCatalog.acceptedConnections.name)
    private let tlsHandshakeFailures = Counter(label: MetricCatalog.tlsHandshakeFailures.name)

    init(paths: [String]) {
        knownPaths = Set(paths)
    }

    /// A handler started running / returned.
    func handlerStarted() { inFlight.increment() }
    func handlerReturned() { inFlight.decrement() }

    func connectionOpened() {
        acceptedConnections.increment()
        openConnections.increment()
    }
    func connectionClosed() { openConnections.decrement() }

    func tlsHandshakeFailed() { tlsHandshakeFailures.increment() }

    func methodLabel(_ path: String?) -> String {
        guard let path, knownPaths.contains(path) else { return "unknown" }
        return path
    }

    /// A call ended with `code`, `elapsed` after its headers arrived.
    func callEnded(path: String?, code: StatusCode, elapsedNanoseconds: Int64) {
        let method = methodLabel(path)
        let (counter, timer) = handles.withLock { handles -> (CoreMetrics.Counter, CoreMetrics.Timer) in
            var perCode = handles.calls[method] ?? Array(repeating: nil, count: StatusCode.names.count)
            let index = perCode.indices.contains(code.rawValue) ? code.rawValue : StatusCode.unknown.rawValue
            let counter = perCode[index] ?? Counter(label: MetricCatalog.calls.name,
                                                    dimensions: [("method", method), ("code", StatusCode(rawValue: index).description)])
            perCode[index] = counter
            handles.calls[method] = perCode
            let timer = handles.durations[method] ?? Timer(label: MetricCatalog.callDuration.name, dimensions: [("method", method)])
            handles.durations[method] = timer
            return (counter, timer)
        }
        counter.increment()
        timer.recordNanoseconds(max(0, elapsedNanoseconds))
    }
}
