import Foundation
public import Logging
public import NIOSSL
import Synchronization

/// The server's current TLS context, replaced when its files change. New connections take the
/// context current at accept; open ones keep theirs. A reload that fails (a half-written file,
/// a key that does not match) keeps the old context, so rotation can never take a server down.
/// The gRPC servers and the gateway's HTTP/1.1 server both serve from one of these.
public final class ServerTLSContext: Sendable {
    public let settings: ServerTLS
    private struct Loaded {
        var context: NIOSSLContext
        /// The files' bytes the context was made from: a reload is skipped when they are unchanged.
        var fingerprint: [UInt8]
    }
    private let loaded: Mutex<Loaded>

    public init(_ settings: ServerTLS) throws(RPCError) {
        self.settings = settings
        let fingerprint = Self.fingerprint(of: settings)
        loaded = Mutex(Loaded(context: try TLSContextFactory.server(settings), fingerprint: fingerprint))
    }

    public var current: NIOSSLContext { loaded.withLock { $0.context } }

    /// Reloads when the files changed; returns whether it did. Throws (keeping the old context)
    /// when the new files do not make a context.
    @discardableResult
    public func reloadIfChanged() throws(RPCError) -> Bool {
        let fingerprint = Self.fingerprint(of: settings)
        guard fingerprint != loaded.withLock({ $0.fingerprint }) else { return false }
        let context = try TLSContextFactory.server(settings)
        loaded.withLock { $0 = Loaded(context: context, fingerprint: fingerprint) }
        return true
    }

    /// `reloadIfChanged`, logging a reload at notice; throws, keeping the old context, when the
    /// new files are unusable.
    public func reload(logger: Logger) throws(RPCError) {
        if try reloadIfChanged() {
            logger.notice("reloaded the TLS certificate", metadata: ["files": "\(settings.paths.joined(separator: ","))"])
        }
    }

    /// Checks the files every `settings.reloadInterval` until the task is cancelled (returns at
    /// once without an interval).
    public func watch(logger: Logger) async {
        guard let interval = settings.reloadInterval else { return }
        while (try? await Task.sleep(for: interval)) != nil {
            do throws(RPCError) {
                try reload(logger: logger)
            } catch {
                logger.error("the changed TLS files are not usable; still serving the previous certificate", metadata: ["error": "\(error.message)"])
            }
        }
    }

    /// The concatenated file contents (certificates and keys are a few kilobytes), with each
    /// length so that moving bytes between files still counts as a change.
    private static func fingerprint(of settings: ServerTLS) -> [UInt8] {
        var bytes: [UInt8] = []
        for path in settings.paths {
            let data = (try? Data(contentsOf: URL(fileURLWithPath: path))).map(Array.init) ?? []
            bytes += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(data.count) >> (8 * $0)) }
            bytes += data
        }
        return bytes
    }
}
