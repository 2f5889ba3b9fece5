import Synchronization

/// How many calls ended with each status code, for logs and benchmarks (h2load only sees HTTP
/// status 200, which gRPC errors share).
final class StatusCounters: Sendable {
    private let counts = Mutex([Int](repeating: 0, count: 17))

    func record(_ code: StatusCode) {
        counts.withLock { counts in
            if counts.indices.contains(code.rawValue) { counts[code.rawValue] += 1 }
        }
    }

    /// Non-zero counts by status name, e.g. ["OK": 100000].
    var snapshot: [String: Int] {
        counts.withLock { counts in
            var out: [String: Int] = [:]
            for (code, count) in counts.enumerated() where count > 0 { out[StatusCode(rawValue: code).description] = count }
            return out
        }
    }
}
