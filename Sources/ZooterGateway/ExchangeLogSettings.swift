/// What the gateway logs of the exchanges it serves (`exchange_log` in the configuration;
/// docs/gateway.md, "Exchange log").
public struct ExchangeLogSettings: Sendable, Equatable {
    /// The SQLite file.
    public var path: String
    /// Fraction of answered exchanges that are scored and logged, 0...1.
    public var sampleRate: Double
    /// Exchanges waiting to be scored and written; more are dropped (and counted), never waited for.
    public var queueSize: Int
    /// Whether the routed text and the answer are stored (they are user data); they are scored
    /// either way.
    public var storeText: Bool
    /// Exchanges older than this are deleted (checked at start and hourly); nil keeps everything.
    public var retentionDays: Int?

    static let settings: Set<String> = ["path", "sample_rate", "queue_size", "store_text", "retention_days"]

    static func parse(_ object: [String: Any], resolve: (String?) -> String?) throws(GatewayError) -> ExchangeLogSettings {
        try StrictJSON.checkKeys(object, known: settings, in: "exchange_log")
        guard let path = resolve(try StrictJSON.string(object, "path", in: "exchange_log")) else {
            throw .configuration("exchange_log: \"path\" (the SQLite file) is required")
        }
        let rate = try StrictJSON.number(object, "sample_rate", in: "exchange_log") ?? 0.1
        guard (0...1).contains(rate) else { throw .configuration("exchange_log: \"sample_rate\" must be in 0...1") }
        return ExchangeLogSettings(
            path: path, sampleRate: rate,
            queueSize: try StrictJSON.integer(object, "queue_size", in: "exchange_log", range: 1...1_000_000) ?? 1000,
            storeText: try StrictJSON.bool(object, "store_text", in: "exchange_log") ?? true,
            retentionDays: try StrictJSON.integer(object, "retention_days", in: "exchange_log", range: 1...36_500) ?? 30)
    }
}
