/// What the peer did, as reported by `HTTP2Session.receive(_:)`, in wire order.
public enum HTTP2Event: Sendable, Equatable {
    /// A complete header block: request or response headers, or trailers. `endStream` is set when
    /// the peer will send nothing more on the stream.
    case headers(streamID: Int32, fields: [HeaderField], endStream: Bool)
    /// A chunk of DATA payload (flow-controlled; give it back with `consume(streamID:count:)`).
    case data(streamID: Int32, bytes: [UInt8])
    /// A DATA frame carried END_STREAM: the peer's half of the stream is done.
    case endOfData(streamID: Int32)
    /// The stream is gone (finished both ways, reset by either side, or refused). `errorCode` is
    /// the HTTP/2 error code, 0 (`NO_ERROR`) for a clean close.
    case streamClosed(streamID: Int32, errorCode: UInt32)
    /// The peer sent GOAWAY: streams above `lastStreamID` were not and will not be processed.
    case goAway(lastStreamID: Int32, errorCode: UInt32)
    /// The peer acknowledged a PING we sent (`HTTP2Session.ping()`): it has processed every
    /// frame we sent before it, which makes a PING a barrier.
    case pingAcknowledged
}
