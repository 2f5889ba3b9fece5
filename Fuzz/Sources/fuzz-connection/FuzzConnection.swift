// libFuzzer target: bytes from a client into one server connection — nghttp2 and our HTTP/2
// session wrapper, gRPC headers and message framing, budgets, dispatch, and the real handlers of
// the health, router, tagger and reward services — exactly as GRPCServer wires a connection
// (ServerConnectionHandler, MethodTable, CallDispatcher, StatusCounters, ServerBudget,
// LimitCounters), with a NIO EmbeddedChannel in place of the socket.
//
// First input byte (flags); the rest is what the client sends:
//   bits 0-1  0: the bytes as they are; else after a valid client preface + empty SETTINGS
//             (most inputs: the fuzzer need not rediscover the preface)
//   bit 2     small limits (every budget reachable within a few KB), else the defaults
//   bit 3     delivered in reads of 1 + (next byte) bytes, else in one read
//   bit 4     graceful shutdown (two-phase GOAWAY, health drain) after the input
//   bit 5     then 1 s of event-loop time passes (drain phase two, sweeps, short grpc-timeouts)
//   bit 6     then the idle timeout passes with the connection idle
//
// Every input gets a fresh channel, handler and CallDispatcher, and ends with the channel closed
// and the dispatcher stopped and drained (its run() returned): no job, task or budget outlives
// an input. The dispatcher's handler tasks run on this thread (FuzzThreadExecutor), not in a
// process-lifetime background task: handlers hop back to the connection's event loop, and an
// EmbeddedEventLoop may only be used from the thread that made it. While the connection is open,
// its byte and call counts must match its streams; once closed, all must have been given back.
import Foundation
import NIOCore
import NIOEmbedded
@testable import ZooterRPC

let services: Services = {
    do { return try Services() } catch {
        fatalError("fuzz-connection: cannot build the services (model folder \(modelFolder.path)): \(error)")
    }
}()
let executor = FuzzThreadExecutor()
/// ZOOTER_FUZZ_VERBOSE=1: print how each input's calls ended (to check what a seed reaches).
let verbose = ProcessInfo.processInfo.environment["ZOOTER_FUZZ_VERBOSE"] == "1"
let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8) + [0, 0, 0, 4, 0, 0, 0, 0, 0]  // + SETTINGS, no values

/// Limits small enough that a fuzz input of a few KB reaches each of them.
let smallLimits: ServerConfiguration = {
    var c = ServerConfiguration(maxReceiveMessageSize: 1024, maxSendMessageSize: 4096, maxConcurrentStreams: 4,
                                maxInFlightCalls: 6)
    c.maxBufferedBytesPerConnection = 2048
    c.maxBufferedBytesTotal = 3072
    c.maxPendingOutboundBytes = 8192
    c.maxInFlightCallsPerConnection = 3
    c.maxLongLivedCalls = 2
    c.maxLongLivedCallsPerConnection = 1
    c.streamResetBurst = 2
    c.streamResetsPerSecond = 1
    c.maxHeaderBlockFrames = 2
    return c
}()

final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}

func check(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError(message()) }
}

/// Runs handler jobs and event-loop tasks on this thread until `done` holds with nothing queued;
/// waits for other threads (the compute pool) when there is nothing to run.
func pump(_ channel: EmbeddedChannel, until done: () -> Bool) {
    while true {
        let ran = executor.runQueued()
        channel.embeddedEventLoop.run()
        while (try? channel.readOutbound(as: ByteBuffer.self)) != nil {}  // responses are not checked
        if !ran && done() && !executor.runQueued() { return }
        if !ran { executor.waitForJob(seconds: 0.001) }
    }
}

/// The connection's counts agree with its streams, and (one connection per budget) the server's.
func checkAccounting(_ handler: ServerConnectionHandler, _ budget: ServerBudget) {
    let streams = handler.streams.values
    let held = streams.reduce(0) { $0 + $1.heldBytes }
    check(handler.bufferedBytes == held && budget.heldBytes == held,
          "request bytes: streams hold \(held), connection counts \(handler.bufferedBytes), server \(budget.heldBytes)")
    let work = streams.filter { $0.admission == .work }.count, longLived = streams.filter { $0.admission == .longLived }.count
    check(handler.workCalls == work && handler.longLivedCalls == longLived,
          "calls: streams hold \(work)/\(longLived), connection counts \(handler.workCalls)/\(handler.longLivedCalls)")
}

func runConnection(_ input: [UInt8]) throws {
    let flags = input.first ?? 0
    var rest = input.dropFirst()
    var readSize = Int.max
    if flags & 0b1000 != 0, let size = rest.popFirst() { readSize = 1 + Int(size) }
    let bytes = (flags & 0b11 == 0 ? [] : preface) + rest

    let configuration = flags & 0b100 != 0 ? smallLimits : ServerConfiguration()
    let (methods, health) = try services.methods()
    let dispatcher = CallDispatcher(maxInFlight: configuration.maxInFlightCalls)
    let budget = ServerBudget(configuration: configuration)
    let dispatcherDone = Flag()
    Task(executorPreference: executor) {
        await dispatcher.run()
        dispatcherDone.set()
    }
    let counters = StatusCounters(), limits = LimitCounters(logger: quietLogger)
    let handler = ServerConnectionHandler(
        configuration: configuration, methods: MethodTable(methods), dispatcher: dispatcher, counters: counters,
        budget: budget, limits: limits, logger: quietLogger)
    let channel = EmbeddedChannel()
    try channel.pipeline.syncOperations.addHandler(handler)
    try channel.connect(to: SocketAddress(ipAddress: "192.0.2.1", port: 50051)).wait()

    var offset = bytes.startIndex
    while offset < bytes.endIndex && channel.isActive {
        let end = bytes.index(offset, offsetBy: min(readSize, bytes.endIndex - offset))
        _ = try? channel.writeInbound(channel.allocator.buffer(bytes: bytes[offset..<end]))
        offset = end
        pump(channel) { dispatcher.inFlightCount == 0 }
        checkAccounting(handler, budget)
    }
    if flags & 0b1_0000 != 0 {
        health.drain()
        channel.pipeline.fireUserInboundEventTriggered(GracefulShutdownEvent())
        pump(channel) { dispatcher.inFlightCount == 0 }
        checkAccounting(handler, budget)
    }
    if flags & 0b10_0000 != 0 {
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        pump(channel) { dispatcher.inFlightCount == 0 }
        checkAccounting(handler, budget)
    }
    if flags & 0b100_0000 != 0 {
        let idle = TimeAmount.seconds(configuration.idleTimeout.components.seconds + 1)
        handler.lastIdleStart = .now() - idle
        channel.embeddedEventLoop.advanceTime(by: idle)
        pump(channel) { dispatcher.inFlightCount == 0 }
        checkAccounting(handler, budget)
    }

    // The client goes away: every call still open is cancelled, the dispatcher finishes.
    _ = try? channel.finish(acceptAlreadyClosed: true)
    check(handler.streams.isEmpty && handler.bufferedBytes == 0 && handler.workCalls == 0 && handler.longLivedCalls == 0,
          "closed connection still counts streams \(handler.streams.count), bytes \(handler.bufferedBytes), calls \(handler.workCalls)/\(handler.longLivedCalls)")
    dispatcher.stop()
    pump(channel) { dispatcherDone.isSet }
    check(dispatcher.inFlightCount == 0, "\(dispatcher.inFlightCount) calls in flight after the dispatcher finished")
    check(budget.heldBytes == 0, "server budget still holds \(budget.heldBytes) request bytes after the connection closed")
    // Long-lived (watch) slots all came back: the server-wide cap can be taken in full again.
    check((0..<configuration.maxLongLivedCalls).allSatisfy { _ in budget.reserveLongLivedCall() },
          "server budget leaked long-lived call slots")
    if verbose { FileHandle.standardError.write(Data("calls: \(counters.snapshot) limits: \(limits.snapshot)\n".utf8)) }
}

/// Called by libFuzzer once before the first input: the services (and the encoder they load)
/// exist before leak checking starts, so one-time startup allocations are not reported per input.
@_cdecl("LLVMFuzzerInitialize")
public func initialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = services
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do {
        try runConnection(Array(UnsafeBufferPointer(start: data, count: size)))
    } catch {
        fatalError("fuzz-connection: harness setup failed: \(error)")
    }
    return 0
}
