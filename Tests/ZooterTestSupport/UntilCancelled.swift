/// Suspends until the calling task is cancelled: a handler that hangs until its call ends.
/// (An AsyncStream that nothing feeds ends its iteration when the iterating task is cancelled.)
public func untilCancelled() async {
    let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
    defer { continuation.finish() }
    for await _ in stream {}
}
