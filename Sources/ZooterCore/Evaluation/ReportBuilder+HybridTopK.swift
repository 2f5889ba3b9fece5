extension ReportBuilder {
    /// - Parameters:
    ///   - candidates: seed → row → the fold's candidate order and scorer rewards.
    ///   - logLengths: log(1 + characters) of every response (row `q * experts + e`), for the
    ///     "longer response wins" baseline.
    func hybridTopK(_ candidates: [[HybridCandidates]], logLengths: [Double]) -> HybridTopKReport {
        let n = rewards.rows, e = rewards.experts, seeds = candidates.count
        func pick(_ c: HybridCandidates, k: Int) -> Int {
            // The scorer's best among the first k; ties to the earlier-ranked candidate.
            c.order.prefix(k).reduce(c.order[0]) { c.scores[$1] > c.scores[$0] ? $1 : $0 }
        }
        let zooter = (0..<seeds).map { s in (0..<n).map { q in rewards[q, candidates[s][q].order[0]] } }
        var points: [HybridTopKReport.Point] = []
        for k in 1...e {
            var total = 0.0, bestTotal = 0.0
            var perQuery = [Double](repeating: 0, count: n)
            for s in 0..<seeds {
                for q in 0..<n {
                    let reward = rewards[q, pick(candidates[s][q], k: k)]
                    total += reward
                    bestTotal += candidates[s][q].order.prefix(k).map { rewards[q, $0] }.max() ?? reward
                    perQuery[q] += (reward - zooter[s][q]) / Double(seeds)
                }
            }
            let m = total / Double(seeds * n)
            points.append(.init(k: k, meanReward: m, deltaVsZooter: mean(perQuery),
                                deltaVsZooterCI95: bootstrapCI(perQuery, stream: 0x70B0 + UInt64(k)),
                                bestOfKMeanReward: bestTotal / Double(seeds * n)))
        }
        var pairs = 0, agree = 0, longer = 0
        for s in 0..<seeds {
            for q in 0..<n {
                let scores = candidates[s][q].scores
                for a in 0..<e {
                    for b in 0..<e where rewards[q, a] > rewards[q, b] {
                        pairs += 1
                        if scores[a] > scores[b] { agree += 1 }
                        if logLengths[q * e + a] > logLengths[q * e + b] { longer += 1 }
                    }
                }
            }
        }
        return HybridTopKReport(points: points, scorerAgreement: Double(agree) / Double(max(pairs, 1)),
                                longerWinsAgreement: Double(longer) / Double(max(pairs, 1)), heldOutPairs: pairs / max(seeds, 1))
    }
}
