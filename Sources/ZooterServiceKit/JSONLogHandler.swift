import Foundation
public import Logging
import Synchronization

/// `--log-format json`: one JSON object per line on standard error, for log collectors.
/// Fields: `time` (ISO 8601, UTC, milliseconds), `level`, `logger`, `message`, then the
/// metadata (a call's `request_id`, `trace_id` and `parent_span_id` among them) as strings.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level
    let label: String
    /// One line at a time: concurrent writers must not interleave within a line.
    private static let output = Mutex(())

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        let line = Self.line(time: Date(), level: level, label: label, message: "\(message)",
                             metadata: metadata.merging(explicit ?? [:]) { $1 })
        Self.output.withLock { _ in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// The JSON line for one event (fixed fields first, then metadata by key).
    static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> String {
        var fields = [("time", time.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt))),
                      ("level", level.rawValue), ("logger", label), ("message", message)]
        let reserved = Set(fields.map(\.0))
        for key in metadata.keys.sorted() where !reserved.contains(key) { fields.append((key, "\(metadata[key]!)")) }
        return "{" + fields.map { "\(quoted($0.0)):\(quoted($0.1))" }.joined(separator: ",") + "}\n"
    }

    /// A JSON string literal: quotes, backslashes and every control character escaped, so no
    /// value (a client's request id, an error message) can break the line or forge another.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
