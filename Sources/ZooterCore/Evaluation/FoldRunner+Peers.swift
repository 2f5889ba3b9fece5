/// kNN and per-tag peers.
extension FoldRunner {
    /// For each count in `counts`, the kNN choices for `queryRows` (cosine similarity on normalised
    /// embeddings; per expert the mean reward of the k most similar training rows; argmax).
    func knnChoices(trainRows: [Int], queryRows: [Int], counts: [Int]) -> [[Int]] {
        let maxK = min(counts.max() ?? 1, trainRows.count)
        let similarities = HeadKernels.crossDot(embeddings, rows: queryRows, embeddings, rows: trainRows)
        var out = [[Int]](repeating: [], count: counts.count)
        let e = experts.count
        for q in 0..<queryRows.count {
            let neighbours = topIndices(similarities.row(q), count: maxK)
            var sums = [Double](repeating: 0, count: e)
            var taken = 0
            var countIndex = counts.enumerated().sorted { $0.element < $1.element }
            var results = [Int](repeating: 0, count: counts.count)
            for neighbour in neighbours {
                let row = trainRows[neighbour]
                for x in 0..<e { sums[x] += rewards[row, x] }
                taken += 1
                while let next = countIndex.first, min(next.element, maxK) == taken {
                    results[next.offset] = argmax(sums)
                    countIndex.removeFirst()
                }
            }
            for (offset, _) in countIndex { results[offset] = argmax(sums) }
            for (i, choice) in results.enumerated() { out[i].append(choice) }
        }
        return out
    }

    /// Indices of the `count` largest values, largest first (ties to the lower index).
    func topIndices(_ values: ArraySlice<Float>, count: Int) -> [Int] {
        var top: [(value: Float, index: Int)] = []
        top.reserveCapacity(count + 1)
        for (i, v) in values.enumerated() {
            if top.count == count, let last = top.last, v <= last.value { continue }
            var position = top.count
            while position > 0 && top[position - 1].value < v { position -= 1 }
            top.insert((v, i), at: position)
            if top.count > count { top.removeLast() }
        }
        return top.map(\.index)
    }

    /// k chosen on the inner splits by pooled validation reward (ties to the smaller k).
    func selectNeighbourCount(splits: [(train: [Int], validation: [Int])]) -> Int {
        let counts = configuration.grid.neighbourCounts
        guard counts.count > 1 else { return counts.first ?? 10 }
        var totals = [Double](repeating: 0, count: counts.count)
        for split in splits {
            let choices = knnChoices(trainRows: split.train, queryRows: split.validation, counts: counts)
            for (i, c) in choices.enumerated() {
                totals[i] += meanReward(c, rows: split.validation) * Double(split.validation.count)
            }
        }
        return counts[argmax(totals)]
    }

    /// Per query: the argmax of the average, over its tags seen in training, of each tag's
    /// per-expert training mean reward; queries without a seen tag get `fallback`.
    func perTagChoices(trainRows: [Int], queryRows: [Int], fallback: Int) -> [Int] {
        let table = TagRewardTable(rewards: rewards, tags: tags, rows: trainRows)
        let index = Dictionary(uniqueKeysWithValues: table.names.enumerated().map { ($1, $0) })
        return queryRows.map { r in
            let seen = Set(tags[r]).sorted().compactMap { index[$0] }
            guard !seen.isEmpty else { return fallback }
            var mean = [Double](repeating: 0, count: experts.count)
            for t in seen {
                for x in 0..<experts.count { mean[x] += table.means[t][x] }
            }
            return argmax(mean)
        }
    }
}
