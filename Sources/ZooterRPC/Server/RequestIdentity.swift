public import Logging

/// Who a call is, for logs: its request id (the caller's `x-request-id` when it is a short safe
/// token, else one we make) and, when the caller sent a valid W3C `traceparent`, its trace and
/// parent span ids, so a log line can be found from a trace. Never used as a metric label.
public struct RequestIdentity: Sendable, Equatable {
    public let requestID: String
    public let traceID: String?
    public let parentSpanID: String?

    init(metadata: Metadata) {
        if let given = metadata["x-request-id"], Self.isSafeToken(given) {
            requestID = given
        } else {
            requestID = RequestIDGenerator.next()
        }
        if let header = metadata["traceparent"], let parsed = Self.parseTraceparent(header) {
            (traceID, parentSpanID) = (parsed.traceID, parsed.spanID)
        } else {
            (traceID, parentSpanID) = (nil, nil)
        }
    }

    /// Metadata for a log line about this call.
    public var loggingMetadata: Logger.Metadata {
        var metadata: Logger.Metadata = ["request_id": "\(requestID)"]
        if let traceID { metadata["trace_id"] = "\(traceID)" }
        if let parentSpanID { metadata["parent_span_id"] = "\(parentSpanID)" }
        return metadata
    }

    /// 1…64 of [A-Za-z0-9._-]: anything else (control characters, JSON, log forging) is replaced.
    static func isSafeToken(_ value: String) -> Bool {
        (1...64).contains(value.utf8.count) && value.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }

    /// `version-traceid-parentid-flags` per W3C Trace Context: lowercase hex of 2-32-16-2 digits,
    /// version not ff, ids not all zero. Version 00 must have exactly four fields; later versions
    /// may append fields, which are ignored.
    static func parseTraceparent(_ header: String) -> (traceID: String, spanID: String)? {
        var text = Substring(header)
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        let fields = text.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 4, fields[0].count == 2, fields[1].count == 32, fields[2].count == 16, fields[3].count == 2,
              fields.prefix(4).allSatisfy({ $0.utf8.allSatisfy(isLowerHex) }), fields[0] != "ff",
              fields[0] != "00" || fields.count == 4,
              fields[1].contains(where: { $0 != "0" }), fields[2].contains(where: { $0 != "0" }) else { return nil }
        return (String(fields[1]), String(fields[2]))
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }
}
