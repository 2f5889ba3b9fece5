import CoreMetrics
import Synchronization
import ZooterRPC

/// The router's own metrics: routes per chosen expert, confidence fallbacks, and the served
/// model version as a labelled gauge. The expert label set is the served model's experts
/// (bounded by the manifest), fixed when the model is installed.
final class RouterMetrics: Sendable {
    private struct Served {
        var version: String
        var info: Gauge
        var routes: [String: CoreMetrics.Counter]
    }
    private let served = Mutex<Served?>(nil)
    private let fallbacks = Counter(label: MetricCatalog.fallbacks.name)

    /// A new model is served: its version's gauge goes to 1 and the previous one's series is
    /// removed (a scrape then shows one version, not every version ever loaded).
    func install(version: String, experts: [String]) {
        let info = Gauge(label: MetricCatalog.modelInfo.name, dimensions: [("version", version)])
        info.record(1)
        let routes = Dictionary(experts.map { ($0, Counter(label: MetricCatalog.routes.name, dimensions: [("expert", $0)])) },
                                uniquingKeysWith: { first, _ in first })
        let previous = served.withLock { served in
            defer { served = Served(version: version, info: info, routes: routes) }
            return served
        }
        if let previous, previous.version != version { previous.info.destroy() }
    }

    func routed(to expert: String, fallback: Bool) {
        served.withLock { $0?.routes[expert] }?.increment()
        if fallback { fallbacks.increment() }
    }
}
