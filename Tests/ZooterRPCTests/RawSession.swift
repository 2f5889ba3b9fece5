import NIOCore
import NIOPosix
import ZooterHTTP2

/// Several raw streams on one connection, for tests of per-connection budgets: open streams with
/// bodies that never end, reset them, and collect what the server answered on each. Every wait
/// is for an event (bytes from the server, its close, the ACK of a PING barrier), never a timer;
/// the suites' time limits catch an event that never comes.
final class RawSession {
    let connection: RawConnection
    let session: HTTP2Session
    private var inbound: AsyncStream<[UInt8]>.Iterator
    /// Header blocks received, by stream.
    private(set) var answers: [Int32: [[HeaderField]]] = [:]
    private(set) var goAwayCode: UInt32?
    /// The server's side ended (reads done); `writesRefused`: a write failed because it closed.
    private(set) var connectionClosed = false
    private(set) var writesRefused = false
    private(set) var pingsAcknowledged = 0

    init(port: Int, group: any EventLoopGroup, settings: HTTP2Settings = HTTP2Settings()) async throws {
        connection = try await RawConnection.connect(port: port, group: group)
        session = try HTTP2Session(role: .client, settings: settings)
        inbound = connection.inbound.makeAsyncIterator()
        try await flush()
    }

    /// Writes what the session queued. A write refused because the server closed is recorded,
    /// not thrown (the tests here provoke exactly that); what it sent before is still read.
    func flush() async throws {
        let bytes = try session.takeOutbound()
        guard !bytes.isEmpty && !connectionClosed && !writesRefused else { return }
        do { try await connection.write(bytes) } catch { writesRefused = true }
    }

    /// Opens a stream, sends `body` in one DATA frame, leaves it open unless `end`.
    @discardableResult
    func open(_ headers: [HeaderField], body: [UInt8] = [], end: Bool = false) async throws -> Int32 {
        let streamID = try session.request(headers: headers)
        if !body.isEmpty { session.send(streamID: streamID, bytes: body) }
        if end { session.finish(streamID: streamID) }
        try await flush()
        return streamID
    }

    func reset(_ streamID: Int32, code: UInt32 = 8) async throws {
        session.reset(streamID: streamID, errorCode: code)
        try await flush()
    }

    /// Sends a PING and reads until its ACK: the server has then processed every frame this
    /// session had written before it. DATA that flow control held back (nghttp2 sends a PING
    /// ahead of queued DATA, and the server's first WINDOW_UPDATE may not have arrived yet) goes
    /// out as credit comes; the round trips repeat until one starts with nothing left to send
    /// (so that DATA, too, was processed), or a round trip sent nothing more (no credit).
    func roundTrip() async throws {
        while !connectionClosed {
            let queuedBefore = session.queuedBodyBytes
            let acknowledged = pingsAcknowledged
            session.ping()
            try await flush()
            _ = try await pump { pingsAcknowledged > acknowledged }
            if queuedBefore == 0 || session.queuedBodyBytes >= queuedBefore { break }
        }
    }

    /// Reads until `done` holds; false when the connection closed first.
    @discardableResult
    func pump(until done: () -> Bool) async throws -> Bool {
        while !done() && !connectionClosed {
            var iterator = inbound
            let next = await iterator.next()
            inbound = iterator
            guard let bytes = next, let events = try? session.receive(bytes) else {
                connectionClosed = true
                break
            }
            for event in events {
                switch event {
                case .headers(let streamID, let fields, _): answers[streamID, default: []].append(fields)
                case .goAway(_, let code): goAwayCode = code
                case .pingAcknowledged: pingsAcknowledged += 1
                default: break
                }
            }
            try await flush()
        }
        return done()
    }

    func status(_ streamID: Int32) -> String? { answers[streamID]?.grpcStatus }
    func message(_ streamID: Int32) -> String? { answers[streamID]?.grpcMessage }

    func close() async {
        try? await connection.channel.close()
    }
}

/// A length-prefixed message of `count` bytes.
func framedMessage(_ count: Int) -> [UInt8] {
    [0, UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
     UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)] + [UInt8](repeating: 7, count: count)
}
