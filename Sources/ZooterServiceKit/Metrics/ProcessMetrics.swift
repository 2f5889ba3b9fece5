import CoreMetrics
import Foundation
import Synchronization
import ZooterRPC

/// The process's own figures, read from /proc when Prometheus scrapes (so they are current
/// without a timer): resident memory, CPU time, open file descriptors.
final class ProcessMetrics: Sendable {
    private let residentMemory = Gauge(label: MetricCatalog.residentMemory.name)
    private let openFileDescriptors = Gauge(label: MetricCatalog.openFileDescriptors.name)
    private let cpuSeconds = FloatingPointCounter(label: MetricCatalog.cpuSeconds.name)
    /// CPU seconds already added to the counter (a counter only goes up: we add the difference).
    private let reportedCPU = Mutex(0.0)

    func refresh() {
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        if let statm = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
           let pages = statm.split(separator: " ").dropFirst().first.flatMap({ Double($0) }) {
            residentMemory.record(pages * pageSize)
        }
        if let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
           let afterName = stat.range(of: ")", options: .backwards) {
            // Fields after "(comm)": state is field 3, utime 14 and stime 15 (1-based, man proc).
            let fields = stat[afterName.upperBound...].split(separator: " ")
            if fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) {
                let total = (user + system) / ticks
                let delta = reportedCPU.withLock { reported -> Double in
                    defer { reported = max(reported, total) }
                    return max(0, total - reported)
                }
                if delta > 0 { cpuSeconds.increment(by: delta) }
            }
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFileDescriptors.record(Double(entries.count))
        }
    }
}
