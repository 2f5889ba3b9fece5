import Logging
import ServiceLifecycle
import ZooterRPC

/// The gateway's periodic check of its certificate files (`--tls-reload-seconds`), as a service
/// so that it stops with the process.
struct TLSFileWatch: Service {
    let context: ServerTLSContext
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown { await context.watch(logger: logger) }
    }
}
