import Synchronization
import ZooterCore

/// Rewards already computed, keyed by the sha256 of (scorer version, query, response), so a
/// retried or repeated batch costs nothing. Bounded: past `capacity` the oldest half is dropped.
final class ScoreCache: Sendable {
    private struct State {
        var values: [String: Double] = [:]
        var order: [String] = []
    }
    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int) {
        self.capacity = capacity
    }

    static func key(version: String, query: String, response: String) -> String {
        var bytes = Array(version.utf8)
        for part in [query, response] {
            bytes.append(0)
            // Length-prefix each part so ("ab", "c") and ("a", "bc") never collide.
            bytes.append(contentsOf: String(part.utf8.count).utf8)
            bytes.append(0)
            bytes.append(contentsOf: part.utf8)
        }
        return SHA256.hex(bytes)
    }

    func lookup(_ key: String) -> Double? { state.withLock { $0.values[key] } }

    func store(_ entries: [(String, Double)]) {
        state.withLock { state in
            for (key, value) in entries where state.values.updateValue(value, forKey: key) == nil {
                state.order.append(key)
            }
            if state.order.count > capacity {
                let drop = state.order.count - capacity / 2
                for key in state.order.prefix(drop) { state.values[key] = nil }
                state.order.removeFirst(drop)
            }
        }
    }
}
