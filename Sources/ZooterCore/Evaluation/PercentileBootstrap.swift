/// Percentile bootstrap (2.5 %, 97.5 %) over independent units (queries): the one resampling loop
/// behind the evaluation report's confidence intervals and the reward model's agreement interval.
enum PercentileBootstrap {
    /// 95 % interval of `statistic` over `samples` resamples of `units` indices drawn with replacement.
    /// `statistic` gets the multiplicity of each unit (how often it was drawn).
    static func interval(units: Int, samples: Int, generator: inout SeededGenerator,
                         statistic: ([Int]) -> Double) -> [Double] {
        var values = [Double](repeating: 0, count: samples)
        var counts = [Int](repeating: 0, count: units)
        for i in 0..<samples {
            for j in 0..<units { counts[j] = 0 }
            for _ in 0..<units { counts[generator.int(below: units)] += 1 }
            values[i] = statistic(counts)
        }
        values.sort()
        return [values[Int(0.025 * Double(samples - 1))], values[Int((0.975 * Double(samples - 1)).rounded(.up))]]
    }

    /// 95 % interval of the mean of `values`.
    static func meanInterval(_ values: [Double], samples: Int, generator: inout SeededGenerator) -> [Double] {
        interval(units: values.count, samples: samples, generator: &generator) { counts in
            var total = 0.0
            for (value, count) in zip(values, counts) where count > 0 { total += value * Double(count) }
            return total / Double(values.count)
        }
    }

    /// 95 % interval of Σ numerators / Σ denominators (a rate pooled over units of different sizes).
    static func ratioInterval(numerators: [Double], denominators: [Double], samples: Int,
                              generator: inout SeededGenerator) -> [Double] {
        interval(units: numerators.count, samples: samples, generator: &generator) { counts in
            var top = 0.0, bottom = 0.0
            for j in counts.indices where counts[j] > 0 {
                top += numerators[j] * Double(counts[j])
                bottom += denominators[j] * Double(counts[j])
            }
            return bottom > 0 ? top / bottom : 0
        }
    }
}
