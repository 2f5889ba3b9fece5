import CoreMetrics
import NIOCore
import Synchronization

/// What a gRPC server counts, through swift-metrics: the process chooses the backend
/// (Prometheus in the services, none in library tests). Handles are made once per label set and
/// kept, so a call costs a lock and a few atomic adds, not a registry lookup.
final class ServerMetrics: Sendable {
    /// Handles per `method` label: the known paths, and "unknown" for any other path, so a client
    /// cannot grow the label set by calling made-up methods. Built once; a call costs one lookup
    /// in this immutable table, an uncontended lock and a few atomic adds.
    private let methods: [String: MethodHandles]
    private let unknownMethod = MethodHandles(label: "unknown")

    /// One method's counters (made on first use of each status code) and duration timer.
    private final class MethodHandles: Sendable {
        let label: String
        private let handles = Mutex<(calls: [CoreMetrics.Counter?], duration: CoreMetrics.Timer?)>(
            (Array(repeating: nil, count: StatusCode.names.count), nil))

        init(label: String) {
            self.label = label
        }

        func record(code: StatusCode, elapsedNanoseconds: Int64) {
            let (counter, timer) = handles.withLock { handles in
                let index = handles.calls.indices.contains(code.rawValue) ? code.rawValue : StatusCode.unknown.rawValue
                if handles.calls[index] == nil {
                    handles.calls[index] = Counter(
                        label: MetricCatalog.calls.name,
                        dimensions: [("method", label), ("code", StatusCode(rawValue: index).description)])
                }
                if handles.duration == nil {
                    handles.duration = Timer(label: MetricCatalog.callDuration.name, dimensions: [("method", label)])
                }
                return (handles.calls[index]!, handles.duration!)
            }
            counter.increment()
            timer.recordNanoseconds(max(0, elapsedNanoseconds))
        }
    }

    private let inFlight = Meter(label: MetricCatalog.inFlightCalls.name)
    private let openConnections = Meter(label: MetricCatalog.openConnections.name)
    private let acceptedConnections = Counter(label: MetricCatalog.acceptedConnections.name)
    private let tlsHandshakeFailures = Counter(label: MetricCatalog.tlsHandshakeFailures.name)

    init(paths: [String]) {
        methods = Dictionary(paths.map { ($0, MethodHandles(label: $0)) }) { first, _ in first }
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

    private func handles(_ path: String?) -> MethodHandles {
        path.flatMap { methods[$0] } ?? unknownMethod
    }

    /// A call ended with `code`, `elapsed` after its headers arrived.
    func callEnded(path: String?, code: StatusCode, elapsedNanoseconds: Int64) {
        handles(path).record(code: code, elapsedNanoseconds: elapsedNanoseconds)
    }
}
