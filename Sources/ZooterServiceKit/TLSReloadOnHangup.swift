public import Logging
public import ServiceLifecycle
public import ZooterRPC
import UnixSignals

/// Reloads TLS certificates on SIGHUP (the convention of nginx and most daemons), for operators
/// who rotate certificates and do not want to wait for the periodic check: the gRPC servers'
/// and the gateway's alike.
public struct TLSReloadOnHangup: Service {
    let servers: [GRPCServer]
    let contexts: [ServerTLSContext]
    let logger: Logger

    public init(servers: [GRPCServer] = [], contexts: [ServerTLSContext] = [], logger: Logger) {
        self.servers = servers
        self.contexts = contexts
        self.logger = logger
    }

    public func run() async throws {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            for server in servers { reload { () throws(RPCError) in try server.reloadTLS() } }
            for context in contexts { reload { () throws(RPCError) in try context.reload(logger: logger) } }
        }
    }

    private func reload(_ body: () throws(RPCError) -> Void) {
        do throws(RPCError) {
            try body()
        } catch {
            logger.error("SIGHUP: the TLS files are not usable; still serving the previous certificate", metadata: ["error": "\(error.message)"])
        }
    }
}
