/// A failure reported by nghttp2, translated from its negative return codes in one place.
public struct HTTP2Error: Error, Sendable, CustomStringConvertible {
    /// The nghttp2 error code (a negative `nghttp2_error` value), or 0 for errors of our own.
    public let code: Int32
    /// What went wrong, from `nghttp2_strerror` plus the operation that failed.
    public let message: String

    public init(code: Int32, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "HTTP/2 error \(code): \(message)" }

    /// True when the peer did not start with the HTTP/2 client preface (for example it spoke
    /// HTTP/1.1 or sent garbage): the connection must be closed.
    public var isBadPreface: Bool { code == HTTP2Error.badClientMagic }

    /// True when the peer sent a header block spanning more frames than
    /// `HTTP2Settings.maxHeaderBlockFrames` (a CONTINUATION flood): close the connection.
    public var isHeaderBlockTooLong: Bool { code == HTTP2Error.headerBlockTooLong.code }

    static let headerBlockTooLong = HTTP2Error(code: -10_001, message: "a header block spans too many CONTINUATION frames")

    /// `NGHTTP2_ERR_BAD_CLIENT_MAGIC`, repeated here so callers need not import the C module.
    static let badClientMagic: Int32 = -903

}
