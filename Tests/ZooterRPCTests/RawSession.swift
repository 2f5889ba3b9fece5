import NIOCore
import NIOPosix
import Synchronization
import ZooterHTTP2

/// Several raw streams on one connection, for tests of per-connection budgets: open streams with
/// bodies that never end, reset them, and collect what the server answered on each.
final class RawSession {
    let connection: RawConnection
    let session: HTTP2Session
    /// Chunks read by a background task (nil marks the end of the connection), polled by `pump`.
    private final class Inbox: Sendable {
        let chunks = Mutex<[[UInt8]?]>([])
    }
    private let received = Inbox()
    private var reader: Task<Void, Never>?
    /// Header blocks received, by stream.
    private(set) var answers: [Int32: [[HeaderField]]] = [:]
    private(set) var closedStreams: Set<Int32> = []
    private(set) var goAwayCode: UInt32?
    private(set) var connectionClosed = false

    init(port: Int, group: any EventLoopGroup, settings: HTTP2Settings = HTTP2Settings()) async throws {
        connection = try await RawConnection.connect(port: port, group: group)
        session = try HTTP2Session(role: .client, settings: settings)
        let inbound = connection.inbound
        let received = self.received
        reader = Task {
            for await chunk in inbound { received.chunks.withLock { $0.append(chunk) } }
            received.chunks.withLock { $0.append(nil) }
        }
        try await flush()
    }

    func flush() async throws {
        let bytes = try session.takeOutbound()
        if !bytes.isEmpty && !connectionClosed { try await connection.write(bytes) }
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

    /// Reads until `done` holds or the connection closes; false when the deadline passed first.
    func pump(for limit: Duration = .seconds(20), until done: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while !done() && !connectionClosed && ContinuousClock.now < deadline {
            let chunks = received.chunks.withLock { chunks in defer { chunks.removeAll() }; return chunks }
            if chunks.isEmpty { try await Task.sleep(for: .milliseconds(5)); continue }
            for chunk in chunks {
                guard let bytes = chunk else { connectionClosed = true; break }
                guard let events = try? session.receive(bytes) else { connectionClosed = true; break }
                for event in events {
                    switch event {
                    case .headers(let streamID, let fields, _): answers[streamID, default: []].append(fields)
                    case .streamClosed(let streamID, _): closedStreams.insert(streamID)
                    case .goAway(_, let code): goAwayCode = code
                    default: break
                    }
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
        await reader?.value
    }
}

/// A length-prefixed message of `count` bytes.
func framedMessage(_ count: Int) -> [UInt8] {
    [0, UInt8(truncatingIfNeeded: count >> 24), UInt8(truncatingIfNeeded: count >> 16),
     UInt8(truncatingIfNeeded: count >> 8), UInt8(truncatingIfNeeded: count)] + [UInt8](repeating: 7, count: count)
}
