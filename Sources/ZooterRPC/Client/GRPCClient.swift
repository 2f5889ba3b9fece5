import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A gRPC client over h2c, or HTTP/2 over TLS when `configuration.tls` is set: one multiplexed HTTP/2 connection per backend address, calls spread
/// round-robin over the addresses, and failover to the next address on UNAVAILABLE.
///
/// `target` is a comma-separated list of `host:port`; a host name expands to every address it
/// resolves to, so one DNS name in front of N replicas spreads the load over all of them, and is
/// resolved again every `reresolveInterval` so the set follows replicas as they come and go.
public final class GRPCClient: Sendable {
    /// An address to connect to, and the host name it was resolved from (nil for a numeric
    /// address): TLS verifies the server's certificate against that name.
    public typealias Endpoint = (host: String, port: Int, name: String?)
    public typealias Resolver = @Sendable (String) throws(RPCError) -> [Endpoint]

    public let configuration: ClientConfiguration
    let group: MultiThreadedEventLoopGroup
    private let addressSet: Mutex<[Subchannel]>
    /// What the address set is refreshed from: the target and how to resolve it (nil: fixed).
    private let target: String?
    private let resolver: Resolver
    private let refresher = Mutex<RepeatedTask?>(nil)
    /// Made once from `configuration.tls`; nil for plaintext.
    private let tlsContext: NIOSSLContext?
    private let next = Atomic<Int>(0)
    /// Set by `close()`: later calls fail at once instead of waiting on stopped event loops.
    private let closed = Atomic<Bool>(false)

    /// A client the caller must `close()`; prefer `withClient(target:_:)`, which cannot leak and
    /// does not block the caller while resolving host names.
    public convenience init(target: String, configuration: ClientConfiguration = ClientConfiguration()) throws(RPCError) {
        try self.init(endpoints: try GRPCClient.resolve(target), configuration: configuration, target: target)
    }

    init(endpoints: [Endpoint], configuration: ClientConfiguration, target: String? = nil,
         resolver: @escaping Resolver = { target throws(RPCError) in try GRPCClient.resolve(target) }) throws(RPCError) {
        let tlsContext = try configuration.tls.map { tls throws(RPCError) in try TLSContextFactory.client(tls) }
        self.configuration = configuration
        self.tlsContext = tlsContext
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.eventLoopThreads))
        self.group = group
        self.target = target
        self.resolver = resolver
        self.addressSet = Mutex(endpoints.map {
            Subchannel(endpoint: $0, group: group, configuration: configuration, tlsContext: tlsContext)
        })
        if let target, let interval = configuration.reresolveInterval, Self.namesHosts(target) {
            startRefreshing(every: interval)
        }
    }

    /// The backends calls are spread over now.
    var subchannels: [Subchannel] { addressSet.withLock { $0 } }

    /// The `host:port` addresses this client spreads calls over.
    public var addresses: [String] { subchannels.map(\.address) }

    /// The addresses a target names, resolved as a client would (without connecting).
    public static func addresses(for target: String) throws(RPCError) -> [String] {
        try resolve(target).map { $0.host.contains(":") ? "[\($0.host)]:\($0.port)" : "\($0.host):\($0.port)" }
    }

    /// A unary call. Fails over to the next address when one is unavailable (each address tried
    /// at most once per call); any other status is returned to the caller as an `RPCError`.
    public func unary(
        path: String, request: [UInt8], metadata: Metadata = Metadata(), timeout: Duration? = nil
    ) async throws(RPCError) -> ClientResponse {
        try await call(path: path, request: request, metadata: metadata, timeout: timeout, onMessage: nil)
    }

    /// A server-streaming call: `onMessage` sees each message as it arrives (on an event loop:
    /// keep it quick); returns the trailing metadata once the server sends an OK status.
    public func serverStreaming(
        path: String, request: [UInt8], metadata: Metadata = Metadata(), timeout: Duration? = nil,
        onMessage: @escaping @Sendable ([UInt8]) -> Void
    ) async throws(RPCError) -> ClientResponse {
        try await call(path: path, request: request, metadata: metadata, timeout: timeout, onMessage: onMessage)
    }

    func call(
        path: String, request: [UInt8], metadata: Metadata, timeout: Duration?,
        onMessage: (@Sendable ([UInt8]) -> Void)?
    ) async throws(RPCError) -> ClientResponse {
        guard !closed.load(ordering: .relaxed) else {
            throw RPCError(code: .unavailable, message: "this client was closed; make a new one")
        }
        guard request.count <= configuration.maxSendMessageSize else {
            throw RPCError(code: .resourceExhausted, message: "request message of \(request.count) bytes exceeds the client's send limit of \(configuration.maxSendMessageSize) bytes")
        }
        let deadline = (timeout ?? configuration.defaultTimeout).map { ContinuousClock.now + $0 }
        let first = next.add(1, ordering: .relaxed).oldValue
        var lastError = RPCError(code: .unavailable, message: "no address to call")
        let subchannels = self.subchannels  // one snapshot per call: a refresh may replace the set
        for offset in 0..<subchannels.count {
            let subchannel = subchannels[(first + offset) % subchannels.count]
            let remaining = deadline.map { $0 - ContinuousClock.now }
            if let remaining, remaining <= .zero {
                throw RPCError(code: .deadlineExceeded, message: "the deadline passed before \(path) completed")
            }
            do throws(RPCError) {
                return try await attempt(subchannel, path: path, request: request, metadata: metadata,
                                         timeout: remaining, onMessage: onMessage)
            } catch {
                lastError = error
                guard error.code == .unavailable else { throw error }
            }
        }
        throw lastError
    }

    private func attempt(
        _ subchannel: Subchannel, path: String, request: [UInt8], metadata: Metadata, timeout: Duration?,
        onMessage: (@Sendable ([UInt8]) -> Void)?
    ) async throws(RPCError) -> ClientResponse {
        let maxReceive = configuration.maxReceiveMessageSize
        do {
            let connection = try await subchannel.connection().get()
            let loop = connection.channel.eventLoop
            let promise = loop.makePromise(of: ClientResponse.self)
            loop.execute {
                let call = ClientCall(path: path, request: request, metadata: metadata, timeout: timeout,
                                      maxReceive: maxReceive, promise: promise, onMessage: onMessage)
                connection.handler.value.start(call)
            }
            return try await withTaskCancellationHandler {
                try await promise.futureResult.get()
            } onCancel: {
                loop.execute { connection.handler.value.cancel(promise) }
            }
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .unavailable, message: "cannot connect to \(subchannel.address): \(error)", cause: error)
        }
    }

    /// Resolves the target again and adopts the result: new addresses get a subchannel, vanished
    /// ones are closed (a call on one fails over to the others). A failed lookup keeps the
    /// current set: a DNS hiccup must not empty a working client.
    func refreshAddresses() async {
        guard let target, !closed.load(ordering: .relaxed) else { return }
        let resolver = self.resolver
        guard let endpoints = try? await NIOThreadPool.singleton.runIfActive({ try resolver(target) }), !endpoints.isEmpty else { return }
        let removed = addressSet.withLock { current -> [Subchannel] in
            let updated = endpoints.map { endpoint in
                current.first { $0.host == endpoint.host && $0.port == endpoint.port && $0.name == endpoint.name }
                    ?? Subchannel(endpoint: endpoint, group: group, configuration: configuration, tlsContext: tlsContext)
            }
            defer { current = updated }
            return current.filter { old in !updated.contains { $0 === old } }
        }
        for subchannel in removed { await subchannel.close() }
    }

    private func startRefreshing(every interval: Duration) {
        let loop = group.next()
        let (seconds, attoseconds) = interval.components
        let delay = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        let task = loop.scheduleRepeatedAsyncTask(initialDelay: delay, delay: delay) { [weak self] _ in
            let promise = loop.makePromise(of: Void.self)
            promise.completeWithTask { await self?.refreshAddresses() }
            return promise.futureResult
        }
        refresher.withLock { $0 = task }
    }

    /// Whether the target names a host (numeric addresses never change, so need no refresh).
    static func namesHosts(_ target: String) -> Bool {
        target.split(separator: ",").contains { part in
            let text = part.trimmingCharacters(in: .whitespaces)
            guard let colon = text.lastIndex(of: ":") else { return false }
            var host = String(text[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            return !host.isEmpty && !isNumericAddress(host)
        }
    }

    /// Closes every connection and the client's event loops.
    public func close() async {
        guard !closed.exchange(true, ordering: .relaxed) else { return }
        refresher.withLock { task in
            task?.cancel()
            task = nil
        }
        for subchannel in subchannels { await subchannel.close() }
        try? await group.shutdownGracefully()
    }

    /// Splits "host:port,host:port" and expands host names to all their addresses.
    static func resolve(_ target: String) throws(RPCError) -> [Endpoint] {
        var endpoints: [Endpoint] = []
        for part in target.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            guard let colon = part.lastIndex(of: ":"), let port = Int(part[part.index(after: colon)...]),
                  (1...65_535).contains(port) else {
                throw RPCError(code: .invalidArgument, message: "target '\(part)' is not host:port")
            }
            var host = String(part[..<colon])
            if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            if host.isEmpty { throw RPCError(code: .invalidArgument, message: "target '\(part)' has no host") }
            if isNumericAddress(host) {
                endpoints.append((host, port, nil))
            } else {
                let resolved = Host(name: host).addresses
                if resolved.isEmpty { throw RPCError(code: .unavailable, message: "host name '\(host)' does not resolve") }
                var seen = Set<String>()
                for address in resolved where seen.insert(address).inserted { endpoints.append((address, port, host)) }
            }
        }
        if endpoints.isEmpty { throw RPCError(code: .invalidArgument, message: "no target given: expected host:port[,host:port...]") }
        return endpoints
    }

    static func isNumericAddress(_ host: String) -> Bool {
        host.contains(":") || host.split(separator: ".").count == 4 && host.allSatisfy { $0.isNumber || $0 == "." }
    }
}
