import Foundation
import ZooterCore

/// `zooter-bench-encoder --finetune`: the cost of a fine-tuning step (forward keeping
/// activations, backward, AdamW) through `EncoderFineTuner.train` itself, on real MiniLM hidden
/// states of synthetic sequences; one JSON line per (threads, layers, seq, batch).
///
/// FLOPs counted: a training step is the forward's matmuls (the encoder bench's formula per layer:
/// 8·L·H² + 4·L·H·I + 4·L²·H) three times over (forward; backward to the input; backward to the
/// weights, and the attention backward's four products against the forward's two).
enum FineTuningBench {
    static func run(_ o: BenchEncoder.Options, layers: [Int], steps: Int) throws {
        let url = URL(fileURLWithPath: o.model)
        let parameters = try EncoderParameters(modelDirectory: url)
        let count = parameters.configuration.layerCount
        for threads in o.threads {
            let encoder = try TextEncoder(modelDirectory: url, threads: threads)
            for trained in layers where (1...count).contains(trained) {
                for seq in o.seqs {
                    for batch in o.batches {
                        // `steps` training batches and one validation row.
                        let rows = batch * steps + 1
                        let lower = try encoder.hiddenStates(tokenIDs: BenchEncoder.syntheticIDs(batch: rows, seq: seq),
                                                             layers: count - trained)
                        var targets = Matrix(rows: rows, columns: 4, repeating: 0.1)
                        for r in 0..<rows { targets[r, r % 4] = 0.7 }
                        var generator = SeededGenerator(seed: 1)
                        let head = HeadWeights.initial(architecture: HeadArchitecture(kind: .linear, inputs: encoder.dimension, outputs: 4),
                                                       prior: [0.25, 0.25, 0.25, 0.25], experts: ["a", "b", "c", "d"],
                                                       generator: &generator)
                        var recipe = FineTuningConfiguration()
                        recipe.layers = trained
                        recipe.epochs = 1
                        recipe.batchSize = batch
                        recipe.threads = threads
                        var best = Double.infinity
                        for _ in 0..<max(1, o.warmup) {
                            let clock = ContinuousClock(), start = clock.now
                            _ = try EncoderFineTuner.train(parameters: parameters, lower: lower, targets: targets,
                                                           trainRows: Array(0..<(rows - 1)), validationRows: [rows - 1],
                                                           head: head, configuration: recipe)
                            best = min(best, BenchEncoder.seconds(clock.now - start))
                        }
                        let perStep = best / Double(steps)
                        let flops = 3 * BenchEncoder.flopsPerSequence(seq) / Double(count) * Double(trained) * Double(batch)
                        var result: [String: Any] = [
                            "mode": "finetune", "threads": threads, "layers": trained, "seq": seq, "batch": batch,
                            "step_ms": BenchEncoder.round4(perStep * 1e3),
                            "tokens_per_s": BenchEncoder.round4(Double(batch * seq) / perStep),
                            "achieved_gflops": BenchEncoder.round4(flops / perStep / 1e9),
                        ]
                        if o.peakGFLOPS > 0 { result["fraction_of_peak"] = BenchEncoder.round4(flops / perStep / 1e9 / o.peakGFLOPS) }
                        BenchEncoder.emit(BenchEncoder.json(result))
                    }
                }
            }
        }
    }
}
