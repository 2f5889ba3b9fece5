/// Fold splits. Rows are shuffled with the seed and dealt round-robin, so fold sizes differ by ≤ 1.
enum CrossValidation {
    /// `folds` disjoint test sets covering 0..<count.
    static func folds(count: Int, folds k: Int, seed: UInt64) -> [[Int]] {
        var generator = SeededGenerator(seed: seed, stream: 0xF01D)
        let order = generator.permutation(count)
        var out = [[Int]](repeating: [], count: k)
        for (position, row) in order.enumerated() { out[position % k].append(row) }
        return out.map { $0.sorted() }
    }

    /// Inner (train, validation) splits of `rows` for hyper-parameter selection.
    static func innerSplits(_ rows: [Int], scheme: InnerSelectionScheme, seed: UInt64) -> [(train: [Int], validation: [Int])] {
        var generator = SeededGenerator(seed: seed, stream: 0x1AAE)
        var order = rows
        generator.shuffle(&order)
        switch scheme {
        case .folds(let k):
            let k = max(2, min(k, rows.count))
            return (0..<k).map { f in
                let validation = order.enumerated().filter { $0.offset % k == f }.map(\.element).sorted()
                let train = order.enumerated().filter { $0.offset % k != f }.map(\.element).sorted()
                return (train, validation)
            }
        case .holdout(let share):
            let n = min(max(1, Int(Double(rows.count) * share)), rows.count - 1)
            return [(Array(order.dropFirst(n)).sorted(), Array(order.prefix(n)).sorted())]
        }
    }
}
