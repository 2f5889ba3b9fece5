import Logging
import NIOCore
import NIOSSL
import ZooterHTTP2

/// Asks a connection to shut down gracefully (two-phase GOAWAY, then close once idle).
struct GracefulShutdownEvent: Sendable {}

/// One server-side HTTP/2 connection: owns its `HTTP2Session` and runs on the channel's loop.
///
/// Bytes from the socket go into the session; the events it returns drive one `ServerStream`
/// per call; responses go back through the session and are flushed once per read burst.
///
/// Budgets a client meets here (see `ServerConfiguration`): request bytes held until dispatch
/// (per connection and server-wide, with flow-control credit returned only at dispatch), the
/// time a request may take to arrive, the longest call, in-flight and long-lived call shares,
/// response bytes queued for a client that does not read, and the rate of stream resets.
///
/// Its state, and its streams', is `@exclusivity(unchecked)` (see `HTTP2Session`, the same
/// reason): it lives on the channel's event loop, handlers off the loop report back through
/// `loop.execute`, and no access is held across a call that could reach the same property.
final class ServerConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let configuration: ServerConfiguration
    let methods: MethodTable
    let dispatcher: CallDispatcher
    let counters: StatusCounters
    let metrics: ServerMetrics
    let budget: ServerBudget
    let limits: LimitCounters
    let logger: Logger
    @exclusivity(unchecked) var session: HTTP2Session?
    @exclusivity(unchecked) var streams: [Int32: ServerStream] = [:]
    @exclusivity(unchecked) var context: ChannelHandlerContext?
    @exclusivity(unchecked) var idleTimer: Scheduled<Void>?
    /// Checks receive deadlines and the maximum call duration; armed while streams are open.
    @exclusivity(unchecked) var sweepTimer: Scheduled<Void>?
    /// When the connection last became idle (no open stream); checked by the idle timer.
    @exclusivity(unchecked) var lastIdleStart = NIODeadline.now()
    /// Request bytes held across this connection's streams until dispatch.
    @exclusivity(unchecked) var bufferedBytes = 0
    /// Calls of this connection whose handlers run, by kind.
    @exclusivity(unchecked) var workCalls = 0
    @exclusivity(unchecked) var longLivedCalls = 0
    @exclusivity(unchecked) var resetLimiter: ResetRateLimiter
    @exclusivity(unchecked) var draining = false
    /// The second GOAWAY went out: no new stream can arrive.
    @exclusivity(unchecked) var finalGoAwaySent = false
    @exclusivity(unchecked) var closing = false
    @exclusivity(unchecked) var reading = false
    /// Reading is paused because the client does not read what we send.
    @exclusivity(unchecked) var readPaused = false
    /// The client's address, for audit logs and per-peer limits.
    @exclusivity(unchecked) var peer = "unknown"
    /// Response bytes queued in the session at the last flush, and when that figure last fell
    /// (or was zero): a client that stops reading or never opens its window is closed by `sweep`.
    @exclusivity(unchecked) var lastQueuedBytes = 0
    @exclusivity(unchecked) var lastSendProgress = NIODeadline.now()

    init(configuration: ServerConfiguration, methods: MethodTable, dispatcher: CallDispatcher, counters: StatusCounters, metrics: ServerMetrics,
         budget: ServerBudget, limits: LimitCounters, logger: Logger) {
        self.counters = counters
        self.metrics = metrics
        self.configuration = configuration
        self.methods = methods
        self.dispatcher = dispatcher
        self.budget = budget
        self.limits = limits
        self.logger = logger
        self.resetLimiter = ResetRateLimiter(burst: configuration.streamResetBurst, perSecond: configuration.streamResetsPerSecond)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if let address = context.channel.remoteAddress {
            peer = "\(address.ipAddress ?? "?"):\(address.port ?? 0)"
        }
        let values = configuration.http2Settings
        let settings = HTTP2Settings(maxConcurrentStreams: values.maxConcurrentStreams, initialWindowSize: values.initialWindowSize,
                                     connectionWindowSize: values.connectionWindowSize, maxHeaderBlockFrames: values.maxHeaderBlockFrames)
        do {
            session = try HTTP2Session(role: .server, settings: settings)
        } catch {
            logger.error("cannot create an HTTP/2 session", metadata: ["error": "\(error)"])
            context.close(promise: nil)
        }
    }

    /// The pipeline holds this handler and the handler holds its context: break the cycle here,
    /// or every closed connection keeps its pipeline and nghttp2 session (~16 KB) forever.
    func handlerRemoved(context: ChannelHandlerContext) {
        idleTimer?.cancel()
        idleTimer = nil
        sweepTimer?.cancel()
        sweepTimer = nil
        for (streamID, stream) in streams {
            stream.deadlineTimer?.cancel()
            stream.context?.cancel()
            release(stream, streamID: streamID)
        }
        streams.removeAll()
        self.context = nil
        session = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        flush()
        armIdleTimer()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let session, !closing else { return }
        let buffer = unwrapInboundIn(data)
        reading = true
        do {
            let events = try session.receive(buffer.readableBytesView)
            for event in events {
                if closing { break }  // closed for abuse mid-read: open nothing more
                handle(event)
            }
        } catch {
            // Not HTTP/2 (garbage, HTTP/1.1) or a fatal protocol error: nghttp2 queued a GOAWAY
            // where it could; send it and close. A header block past our frame limit never
            // reaches nghttp2: the connection just closes.
            if error.isHeaderBlockTooLong { limits.record(.headerBlock, "peer \(peer): header block of more than \(configuration.maxHeaderBlockFrames) frames") }
            logger.debug("closing connection after protocol error", metadata: ["error": "\(error)"])
            flush()
            closing = true
            context.close(promise: nil)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        flush()
        closeIfDone()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            flush()
            closeIfDone()
            resumeReading()
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The peer vanished: every call still running is cancelled.
        for (streamID, stream) in streams {
            stream.deadlineTimer?.cancel()
            stream.context?.cancel()
            release(stream, streamID: streamID)
        }
        streams.removeAll()
        idleTimer?.cancel()
        sweepTimer?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let tlsError = error as? NIOSSLError, case .handshakeFailed = tlsError { metrics.tlsHandshakeFailed() }
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is GracefulShutdownEvent {
            beginDrain()
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    // MARK: Writing

    /// Sends whatever the session has queued, unless the client is not reading what we already
    /// sent: then reading pauses (no new requests, so no new responses) until the socket drains,
    /// and a connection holding too much unsent is closed.
    func flush() {
        guard let session, let context, !closing else { return }
        let channel = context.channel
        let writable = channel.isWritable
        // Unsent bytes: in the socket's queue (only when it backs up) and in the session, where
        // a client that never opens its flow-control window leaves them.
        let pending = writable ? 0 : (try? channel.syncOptions?.getOption(.bufferedWritableBytes)) ?? 0
        if pending + session.queuedBodyBytes > configuration.maxPendingOutboundBytes {
            limits.record(.pendingOutboundBytes, "peer \(peer) does not read: \(pending + session.queuedBodyBytes) bytes unsent")
            closing = true
            context.close(promise: nil)
            return
        }
        guard writable else { return pauseReading() }
        do {
            let bytes = try session.takeOutbound()
            let queued = session.queuedBodyBytes
            if queued == 0 || queued < lastQueuedBytes { lastSendProgress = .now() }
            lastQueuedBytes = queued
            if !bytes.isEmpty {
                context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(bytes: bytes)), promise: nil)
            }
            // Streams that closed because our last frame went out.
            for event in session.takeEvents() { handle(event) }
        } catch {
            logger.debug("closing connection after send error", metadata: ["error": "\(error)"])
            closing = true
            context.close(promise: nil)
        }
    }

    /// Flushes now unless a read burst is in progress (then `channelReadComplete` flushes once).
    func flushSoon() {
        if !reading { flush(); closeIfDone() }
    }

    func pauseReading() {
        guard !readPaused, let context else { return }
        readPaused = true
        try? context.channel.syncOptions?.setOption(.autoRead, value: false)
    }

    func resumeReading() {
        guard readPaused, let context else { return }
        readPaused = false
        try? context.channel.syncOptions?.setOption(.autoRead, value: true)
        context.read()
    }

    // MARK: Lifecycle

    /// One timer per connection, re-armed for the remaining time on each expiry, rather than one
    /// per call: arming and cancelling a timer per stream costs more than the call itself.
    func armIdleTimer(in delay: TimeAmount? = nil) {
        guard let context else { return }
        let loop = context.eventLoop.assumeIsolated()
        let timeout = TimeAmount(configuration.idleTimeout)
        idleTimer = loop.scheduleTask(in: delay ?? timeout) { [self] in
            guard !closing else { return }
            let idleFor = NIODeadline.now() - lastIdleStart
            guard streams.isEmpty, idleFor >= timeout else {
                return armIdleTimer(in: streams.isEmpty ? timeout - idleFor : timeout)
            }
            logger.debug("closing idle connection")
            session?.goAway()
            flush()
            closing = true
            self.context?.close(promise: nil)
        }
    }

    /// Phase one: GOAWAY with the maximum stream id; phase two, a moment later (enough for
    /// requests already on the wire), GOAWAY with the last stream we accepted.
    func beginDrain() {
        guard !draining, let context else { return }
        draining = true
        session?.announceShutdown()
        flush()
        let loop = context.eventLoop.assumeIsolated()
        loop.scheduleTask(in: .milliseconds(100)) { [self] in
            session?.goAway()
            finalGoAwaySent = true
            flush()
            closeIfDone()
        }
    }

    /// Closes a draining connection once its last call has finished.
    func closeIfDone() {
        guard finalGoAwaySent, streams.isEmpty, !closing, let session, !session.wantsWrite else { return }
        closing = true
        context?.close(promise: nil)
    }

    /// Tells a client past its stream-reset budget to go away (ENHANCE_YOUR_CALM) and closes.
    func closeForAbuse() {
        guard !closing else { return }
        session?.goAway(errorCode: 0xB)
        flush()
        closing = true
        context?.close(promise: nil)
    }
}

extension TimeAmount {
    /// Saturating: a duration beyond Int64 nanoseconds (~292 years) becomes the maximum.
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000)
        self = overflow || overflow2 ? .nanoseconds(seconds < 0 ? .min : .max) : .nanoseconds(sum)
    }
}
