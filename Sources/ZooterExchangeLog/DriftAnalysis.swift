import Foundation

/// Has an expert started answering worse? Compares the realized reward of each expert (and each
/// tag) in a recent window of the exchange log against an earlier baseline window of the same
/// log, scored by the same scorer (rewards of different scorers, or a judge's scale against a
/// scorer's, are never compared). A drop is flagged when it is larger than `minimumDrop` and
/// significant at `alpha` after a Bonferroni correction over every group tested (one-sided Welch
/// z-test; the logged rewards are means of many exchanges, so the normal approximation holds
/// once each window has `minimumCount` of them).
public struct DriftAnalysis: Sendable {
    public struct Group: Sendable, Equatable, Codable {
        /// "expert" or "tag".
        public var kind: String
        public var name: String
        public var scorer: String
        public var baselineCount: Int
        public var baselineMean: Double
        public var currentCount: Int
        public var currentMean: Double
        /// currentMean − baselineMean.
        public var change: Double
        public var z: Double
        /// One-sided p-value of a drop at least this large (before the correction).
        public var pValue: Double
        public var flagged: Bool
    }

    public var alpha = 0.01
    public var minimumDrop = 0.0
    public var minimumCount = 20

    public init(alpha: Double = 0.01, minimumDrop: Double = 0.0, minimumCount: Int = 20) {
        self.alpha = alpha
        self.minimumDrop = minimumDrop
        self.minimumCount = minimumCount
    }

    /// Groups of the rewards in `baseline` and `current` (exchanges without a reward are skipped),
    /// by scorer and then by expert and by tag; each group's test and whether it is flagged.
    public func compare(baseline: [LoggedExchange], current: [LoggedExchange]) -> [Group] {
        typealias Key = (kind: String, name: String, scorer: String)
        func grouped(_ rows: [LoggedExchange]) -> [String: [Double]] {
            var groups: [String: [Double]] = [:]
            for row in rows {
                guard let reward = row.reward, reward.isFinite, let scorer = row.scorer else { continue }
                groups["expert\u{1}\(row.expert)\u{1}\(scorer)", default: []].append(reward)
                for tag in Self.tags(row.tags) { groups["tag\u{1}\(tag)\u{1}\(scorer)", default: []].append(reward) }
            }
            return groups
        }
        let before = grouped(baseline), after = grouped(current)
        let testable = Set(before.keys).intersection(after.keys).filter { before[$0]!.count >= minimumCount && after[$0]!.count >= minimumCount }
        let corrected = alpha / Double(max(1, testable.count))
        return Set(before.keys).union(after.keys).sorted().map { key in
            let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false).map(String.init)
            let b = before[key] ?? [], c = after[key] ?? []
            let (bm, bv) = Self.meanAndVariance(b), (cm, cv) = Self.meanAndVariance(c)
            let change = cm - bm
            let standardError = (bv / Double(max(1, b.count)) + cv / Double(max(1, c.count))).squareRoot()
            let z = standardError > 0 ? change / standardError : (change < 0 ? -.infinity : change > 0 ? .infinity : 0)
            let p = 0.5 * erfc(-z / 2.0.squareRoot())
            let flagged = testable.contains(key) && p < corrected && change < -minimumDrop
            return Group(kind: parts[0], name: parts[1], scorer: parts[2], baselineCount: b.count, baselineMean: bm,
                         currentCount: c.count, currentMean: cm, change: change, z: z, pValue: p, flagged: flagged)
        }
    }

    static func meanAndVariance(_ values: [Double]) -> (Double, Double) {
        guard !values.isEmpty else { return (.nan, .nan) }
        let mean = values.reduce(0, +) / Double(values.count)
        guard values.count > 1 else { return (mean, 0) }
        return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(values.count - 1))
    }

    static func tags(_ json: String) -> [String] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String]) ?? []
    }
}
