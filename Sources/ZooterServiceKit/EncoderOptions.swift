public import ArgumentParser
public import Foundation
import ZooterCore

/// Where a service finds its encoder, and how it batches encoder work.
public struct EncoderOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("model"), help: "Encoder folder (Hugging Face BERT layout). Default: $ZOOTER_MODEL_DIR or models/all-MiniLM-L6-v2.")
    public var modelDirectory: String?

    @Option(name: .customLong("encoder-threads"), help: "Threads one encoder pass uses (default: every core).")
    public var encoderThreads: Int?

    @Option(name: .customLong("max-batch"), help: "Most texts one batched encoder pass takes.")
    public var maxBatch = 64

    @Option(name: .customLong("max-wait-us"), help: "How long a queued text waits for a fuller batch, in µs.")
    public var maxWaitMicros = 200

    @Option(name: .customLong("max-queued"), help: "Texts queued for encoding before calls get RESOURCE_EXHAUSTED.")
    public var maxQueued = 4096

    public init() {}

    public var resolvedModelDirectory: URL {
        URL(fileURLWithPath: modelDirectory ?? ModelFolder.defaultPath)
    }

    public var threads: Int { encoderThreads ?? ProcessInfo.processInfo.activeProcessorCount }

    public func validate() throws {
        guard maxBatch > 0, maxQueued >= maxBatch else { throw ValidationError("--max-batch must be positive and ≤ --max-queued") }
        // Tag, Score and RouteBatch accept 256 items in one call; a smaller queue could never take them.
        guard maxQueued >= 256 else { throw ValidationError("--max-queued must be at least 256 (the largest batch one call may carry)") }
        guard maxWaitMicros >= 0 else { throw ValidationError("--max-wait-us must be ≥ 0") }
    }
}
