/// Turns out-of-fold choices into metrics.
struct ReportBuilder {
    let dataset: RoutingDataset
    let rewards: RewardTable
    let configuration: EvaluationConfiguration

    /// - Parameter choices: method → seed → row → chosen expert (`random` is absent: it is scored as
    ///   the uniform distribution over experts).
    func build(choices: [RoutingMethod: [[Int]]], selections: [RoutingMethod: [String: Int]],
               datasetName: String, encoderIdentity: String) -> EvaluationReport {
        let n = rewards.rows, e = rewards.experts
        let sourceNames = Array(Set(dataset.examples.map { $0.source ?? "(none)" })).sorted()
        let sourceIndex = Dictionary(uniqueKeysWithValues: sourceNames.enumerated().map { ($1, $0) })
        let rowSource = dataset.examples.map { sourceIndex[$0.source ?? "(none)"] ?? 0 }
        let attains: [[Bool]] = (0..<n).map { q in
            let row = rewards.row(q)
            let best = row.max() ?? 0
            return row.map { $0 >= best - 1e-12 }
        }

        var sources: [SourceSummary] = []
        for (s, name) in sourceNames.enumerated() {
            let rows = (0..<n).filter { rowSource[$0] == s }
            let means = (0..<e).map { x in rows.reduce(0) { $0 + rewards[$1, x] } / Double(rows.count) }
            let oracle = rows.reduce(0) { $0 + (rewards.row($1).max() ?? 0) } / Double(rows.count)
            sources.append(SourceSummary(name: name, queries: rows.count, expertMeanReward: means, oracleMeanReward: oracle))
        }
        let expertMeans = (0..<e).map { x in (0..<n).reduce(0) { $0 + rewards[$1, x] } / Double(n) }

        // Per method: per-seed per-row reward, hit and usage.
        let seeds = configuration.seeds.count
        func outcomes(_ method: RoutingMethod) -> (reward: [[Double]], hit: [[Double]], usage: [Double]) {
            var reward = [[Double]](repeating: [Double](repeating: 0, count: n), count: seeds)
            var hit = reward
            var usage = [Double](repeating: 0, count: e)
            for s in 0..<seeds {
                for q in 0..<n {
                    if method == .random {
                        reward[s][q] = rewards.row(q).reduce(0, +) / Double(e)
                        hit[s][q] = Double(attains[q].filter { $0 }.count) / Double(e)
                        for x in 0..<e { usage[x] += 1 / Double(e) }
                    } else {
                        let c = choices[method]?[s][q] ?? 0
                        reward[s][q] = rewards[q, c]
                        hit[s][q] = attains[q][c] ? 1 : 0
                        usage[c] += 1
                    }
                }
            }
            return (reward, hit, usage.map { $0 / Double(seeds * n) })
        }

        let methods = RoutingMethod.allCases.filter { $0 == .random || choices[$0] != nil }
        let all = Dictionary(uniqueKeysWithValues: methods.map { ($0, outcomes($0)) })
        let best = all[.bestSingle]?.reward ?? []
        let bestMean = mean(best.map(mean))
        let zooter = all[.zooter]?.reward
        let oracleMean = mean((all[.oracle]?.reward ?? []).map(mean))

        var reports: [MethodReport] = []
        for (methodIndex, method) in methods.enumerated() {
            guard let o = all[method] else { continue }
            let perSeed = o.reward.map(mean)
            let m = mean(perSeed)
            let perQueryDelta = (0..<n).map { q in
                (0..<seeds).reduce(0.0) { $0 + o.reward[$1][q] - (best.isEmpty ? 0 : best[$1][q]) } / Double(seeds)
            }
            let ci = bootstrapCI(perQueryDelta, stream: UInt64(methodIndex))
            var perSource = [Double](repeating: 0, count: sourceNames.count)
            var counts = [Int](repeating: 0, count: sourceNames.count)
            for s in 0..<seeds {
                for q in 0..<n { perSource[rowSource[q]] += o.reward[s][q]; counts[rowSource[q]] += 1 }
            }
            perSource = zip(perSource, counts).map { $0 / Double(max($1, 1)) }
            let ranks = sources.enumerated().map { s, source in
                1 + source.expertMeanReward.filter { $0 > perSource[s] + 1e-12 }.count
            }
            let gap = oracleMean - bestMean
            reports.append(MethodReport(
                method: method, meanReward: m, meanRewardStdOverSeeds: std(perSeed), perSeedMeanReward: perSeed,
                deltaVsBestSingle: m - bestMean, deltaCI95: ci,
                gapClosed: abs(gap) > 1e-12 ? (m - bestMean) / gap : nil,
                routingAccuracy: mean(o.hit.map(mean)), expertUsage: o.usage, perSourceMeanReward: perSource,
                meanTaskRank: mean(ranks.map(Double.init)),
                shareOfSourcesRankedFirst: Double(ranks.filter { $0 == 1 }.count) / Double(max(ranks.count, 1)),
                selections: selections[method] ?? [:]))
            if let zooter, method != .zooter {
                let perQuery = (0..<n).map { q in (0..<seeds).reduce(0.0) { $0 + o.reward[$1][q] - zooter[$1][q] } / Double(seeds) }
                reports[reports.count - 1].deltaVsZooter = m - mean(zooter.map(mean))
                reports[reports.count - 1].deltaVsZooterCI95 = bootstrapCI(perQuery, stream: 0x200 + UInt64(methodIndex))
            }
        }
        return EvaluationReport(
            schemaVersion: 1,
            dataset: DatasetSummary(name: datasetName, fingerprint: dataset.identity?.description ?? "built in memory (no files)", queries: n,
                                    experts: dataset.experts, expertMeanReward: expertMeans, sources: sources),
            encoder: encoderIdentity, configuration: configuration, methods: reports, elapsedSeconds: nil)
    }

    /// Percentile bootstrap (2.5 %, 97.5 %) of the mean of `values`, seeded per method.
    func bootstrapCI(_ values: [Double], stream: UInt64) -> [Double] {
        let b = configuration.bootstrapSamples
        guard b > 0, !values.isEmpty else { return [mean(values), mean(values)] }
        var generator = SeededGenerator(seed: configuration.seeds.first ?? 0, stream: 0xB007, stream)
        return PercentileBootstrap.meanInterval(values, samples: b, generator: &generator)
    }
}

func mean(_ values: [Double]) -> Double {
    values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
}

/// Population standard deviation.
func std(_ values: [Double]) -> Double {
    guard values.count > 1 else { return 0 }
    let m = mean(values)
    return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)).squareRoot()
}
