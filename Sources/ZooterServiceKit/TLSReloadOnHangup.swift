public import Logging
public import ServiceLifecycle
public import ZooterRPC
import UnixSignals

/// Reloads the servers' TLS certificates on SIGHUP (the convention of nginx and most daemons),
/// for operators who rotate certificates and do not want to wait for the periodic check.
public struct TLSReloadOnHangup: Service {
    let servers: [GRPCServer]
    let logger: Logger

    public init(servers: [GRPCServer], logger: Logger) {
        self.servers = servers
        self.logger = logger
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            for server in servers {
                do throws(RPCError) {
                    try server.reloadTLS()
                } catch {
                    logger.error("SIGHUP: the TLS files are not usable; still serving the previous certificate", metadata: ["error": "\(error.message)"])
                }
            }
        }
    }
}
