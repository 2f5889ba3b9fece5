import HummingbirdCore
import Logging
import NIOCore
import NIOSSL
import ZooterRPC

/// TLS in front of an HTTP child channel, taking the certificate current when the connection is
/// accepted (`ServerTLSContext`): a rotated certificate serves new connections without a restart,
/// open ones keep theirs. HummingbirdTLS's channel fixes its context at start, hence this one.
struct ReloadingTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let tls: ServerTLSContext

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls.current))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
