import Synchronization

/// Activation buffers kept between forward passes of one encoder.
///
/// A pass over a full token budget needs ~28 MB of activations (MiniLM, 2,048 tokens). Allocated
/// per pass, buffers that large come from fresh `mmap`s or a heap glibc trims back after every
/// pass, so each pass paid page faults and zero-filling again (a 16 × 32 batch: 37.1 → 34.0 ms
/// once kept, 137 k → 19 k page faults in a 2-second run). The pool keeps up to `limit`
/// workspaces (a concurrent caller beyond that gets one that is dropped after its call), so the
/// memory held is bounded by `limit` × the token budget's activations.
final class WorkspacePool: Sendable {
    private let spare = Mutex<[EncoderLayer.Workspace]>([])
    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    /// Runs `body` with a workspace of at least `tokens` tokens, then keeps it for the next call.
    func withWorkspace<Result>(
        tokens: Int, configuration: BertConfiguration, _ body: (inout EncoderLayer.Workspace) throws -> Result
    ) rethrows -> Result {
        var workspace = spare.withLock { $0.popLast() } ?? EncoderLayer.Workspace(tokens: 0, configuration: configuration)
        workspace.reserve(tokens: tokens, configuration: configuration)
        defer {
            spare.withLock { if $0.count < limit { $0.append(workspace) } }
        }
        return try body(&workspace)
    }

    /// Floats the pool holds now (for tests of its bound).
    var heldCount: Int { spare.withLock { $0.reduce(0) { $0 + $1.count } } }
}
