public import Logging
import NIOPosix
public import ZooterCore

extension EncoderOptions {
    /// Loads the encoder these options name, logging its identity, load time, threads and the
    /// vector width its kernels run at on this CPU (`ZOOTER_KERNELS=avx2` forces 256 bits).
    public func loadEncoder(logger: Logger) throws -> TextEncoder {
        let encoder = try TextEncoder(modelDirectory: resolvedModelDirectory, threads: threads)
        logger.info("encoder loaded", metadata: [
            "encoder": "\(encoder.identity)", "seconds": "\(encoder.loadSeconds)",
            "threads": "\(threads)", "kernels": "\(VectorWidth.active.rawValue)",
        ])
        return encoder
    }

    /// A batcher that gathers concurrent callers' texts into one encoder pass on the compute pool,
    /// returning one embedding row per text.
    public func embeddingBatcher(_ encoder: TextEncoder) -> ComputeBatcher<String, [Float]> {
        batcher { texts in
            let matrix = try encoder.embed(texts)
            return (0..<matrix.rows).map { Array(matrix.row($0)) }
        }
    }

    /// A batcher with these options' limits around any batch computation.
    public func batcher<Input: Sendable, Output: Sendable>(
        _ compute: @escaping ComputeBatcher<Input, Output>.Compute
    ) -> ComputeBatcher<Input, Output> {
        ComputeBatcher(maxBatch: maxBatch, maxWait: .microseconds(maxWaitMicros), maxQueuedItems: maxQueued,
                       threadPool: .singleton, compute: compute)
    }
}
