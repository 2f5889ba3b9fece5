import Foundation

/// Reward transform g applied per query before the temperature softmax (ZOOTER, arXiv 2311.08692).
public enum RewardTransform: String, Codable, Sendable, CaseIterable {
    /// g(r) = r
    case identity
    /// g(r) = (r − mean_q) / std_q with the population std of the query's rewards; a query whose
    /// rewards are all equal maps to zeros (uniform label).
    case standardize
    /// g(r) = log(r′/(1−r′)) with r′ = clamp(r, ε, 1−ε), ε = `LabelBuilder.logitEpsilon`; for
    /// probability-valued rewards (it recovers a judge's log-odds).
    case logit
}

/// Everything that turns rewards into training targets.
public struct LabelConfiguration: Codable, Sendable, Equatable, Hashable {
    public var transform: RewardTransform
    /// τ in softmax(g(r)/τ); > 0.
    public var temperature: Double
    /// β in p̂ = β·p + (1−β)·tag prior; 1 disables tag enhancement.
    public var beta: Double

    public init(transform: RewardTransform = .identity, temperature: Double = 1, beta: Double = 1) {
        precondition(temperature > 0, "temperature must be positive")
        precondition((0...1).contains(beta), "beta must be in [0, 1]")
        self.transform = transform
        self.temperature = temperature
        self.beta = beta
    }
}

/// Builds label distributions p_q = softmax(g(r_q)/τ) over the experts.
public enum LabelBuilder {
    /// Clipping for the logit transform: probabilities are clamped to [1e-6, 1 − 1e-6].
    public static let logitEpsilon = 1e-6

    /// g(r) for one query's rewards.
    public static func transform(_ rewards: some Collection<Double>, _ transform: RewardTransform) -> [Double] {
        switch transform {
        case .identity:
            return Array(rewards)
        case .standardize:
            let n = Double(rewards.count)
            let mean = rewards.reduce(0, +) / n
            let variance = rewards.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
            let std = variance.squareRoot()
            guard std > 1e-12 else { return [Double](repeating: 0, count: rewards.count) }
            return rewards.map { ($0 - mean) / std }
        case .logit:
            return rewards.map {
                let r = min(max($0, logitEpsilon), 1 - logitEpsilon)
                return log(r / (1 - r))
            }
        }
    }

    /// softmax(values / τ) in Double.
    public static func softmax(_ values: [Double], temperature: Double) -> [Double] {
        let scaled = values.map { $0 / temperature }
        let m = scaled.max() ?? 0
        let e = scaled.map { exp($0 - m) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

    /// Soft labels `[rows][experts]`: row q = softmax(g(r_q)/τ).
    public static func softLabels(_ rewards: RewardTable, transform g: RewardTransform, temperature: Double) -> Matrix {
        var out = Matrix(rows: rewards.rows, columns: rewards.experts)
        for q in 0..<rewards.rows {
            let p = softmax(transform(rewards.row(q), g), temperature: temperature)
            for (e, value) in p.enumerated() { out[q, e] = Float(value) }
        }
        return out
    }

    /// Hard labels for the classifier baseline: the argmax expert gets all mass; tied maxima
    /// (common with 0/1 rewards) share it equally so no expert is favoured by its column order.
    public static func hardLabels(_ rewards: RewardTable) -> Matrix {
        var out = Matrix(rows: rewards.rows, columns: rewards.experts)
        for q in 0..<rewards.rows {
            let row = rewards.row(q)
            let best = row.max() ?? 0
            let winners = row.indices.filter { row[$0] >= best - 1e-12 }
            for w in winners { out[q, w - row.startIndex] = 1 / Float(winners.count) }
        }
        return out
    }

    /// Full label pipeline: soft labels, then tag enhancement with priors fitted on `trainingRows`.
    /// Rows outside `trainingRows` get labels too (with the training-fitted priors) but are never
    /// used to fit anything.
    public static func labels(_ rewards: RewardTable, configuration c: LabelConfiguration, tags: [[String]],
                              trainingRows: [Int]) -> Matrix {
        let p = softLabels(rewards, transform: c.transform, temperature: c.temperature)
        guard c.beta < 1 else { return p }
        let priors = TagPriors(labels: p, tags: tags, rows: trainingRows)
        return priors.enhance(p, tags: tags, beta: c.beta)
    }
}

/// Tag means P_t = mean p over training rows carrying tag t, and the global mean.
public struct TagPriors: Sendable {
    public let tagMeans: [String: [Double]]
    public let globalMean: [Double]

    /// Fits on `rows` only.
    public init(labels: Matrix, tags: [[String]], rows: [Int]) {
        precondition(tags.count == labels.rows, "one tag list per label row")
        var sums: [String: [Double]] = [:]
        var counts: [String: Int] = [:]
        var global = [Double](repeating: 0, count: labels.columns)
        for r in rows {
            let row = labels.row(r)
            for (e, v) in row.enumerated() { global[e] += Double(v) }
            for tag in Set(tags[r]) {
                var s = sums[tag] ?? [Double](repeating: 0, count: labels.columns)
                for (e, v) in row.enumerated() { s[e] += Double(v) }
                sums[tag] = s
                counts[tag, default: 0] += 1
            }
        }
        let n = Double(max(rows.count, 1))
        globalMean = global.map { $0 / n }
        tagMeans = sums.mapValues { $0 }.reduce(into: [:]) { out, item in
            let c = Double(counts[item.key] ?? 1)
            out[item.key] = item.value.map { $0 / c }
        }
    }

    /// mean over the query's distinct tags of P_t; a tag unseen in training contributes the global
    /// mean; a query without tags gets the global mean.
    public func prior(for tags: [String]) -> [Double] {
        let distinct = Array(Set(tags)).sorted()
        guard !distinct.isEmpty else { return globalMean }
        var out = [Double](repeating: 0, count: globalMean.count)
        for tag in distinct {
            let mean = tagMeans[tag] ?? globalMean
            for e in out.indices { out[e] += mean[e] }
        }
        return out.map { $0 / Double(distinct.count) }
    }

    /// p̂ = β·p + (1−β)·prior(tags) for every row.
    public func enhance(_ labels: Matrix, tags: [[String]], beta: Double) -> Matrix {
        var out = labels
        for r in 0..<labels.rows {
            let prior = prior(for: tags[r])
            for e in 0..<labels.columns {
                out[r, e] = Float(beta * Double(labels[r, e]) + (1 - beta) * prior[e])
            }
        }
        return out
    }
}

/// Small statistics over label matrices.
enum LabelStatistics {
    /// Mean of the given rows, `[columns]`.
    static func meanRow(_ m: Matrix, rows: [Int]) -> [Float] {
        var sum = [Double](repeating: 0, count: m.columns)
        for r in rows { for (c, v) in m.row(r).enumerated() { sum[c] += Double(v) } }
        return sum.map { Float($0 / Double(max(rows.count, 1))) }
    }
}
