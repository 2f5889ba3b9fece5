import Foundation

/// Which data a run used: the SHA-256 of the dataset's files plus the selection made from them.
/// Computed once, when the dataset is loaded, and carried into the evaluation report, the
/// artifact's manifest and the score journal, so all three describe the same data.
///
/// The journal is keyed by the files alone (its entries are per query and expert), so raising
/// `--limit` keeps every score already journaled; report and manifest also carry the selection.
public struct DatasetIdentity: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Lowercase hex SHA-256 over `models.json`, `routing.jsonl` and (when present)
    /// `experts.json`: each file's own SHA-256, named, in that order.
    public var filesSHA256: String
    /// The first `limit` examples were used; nil: all of them.
    public var limit: Int?

    public var selection: String { limit.map { "first \($0)" } ?? "all" }
    public var description: String { "sha256:\(filesSHA256) (\(selection))" }

    static let files = ["models.json", "routing.jsonl", "experts.json"]

    /// The identity of the files in `directory` (all examples).
    static func of(directory: URL) throws(CoreError) -> DatasetIdentity {
        var summary = ""
        for name in files {
            let url = directory.appendingPathComponent(name)
            guard name != "experts.json" || FileManager.default.fileExists(atPath: url.path) else { continue }
            summary += "\(name) \(SHA256.hex(try RoutingDataset.readFile(url)))\n"
        }
        return DatasetIdentity(filesSHA256: SHA256.hex(Array(summary.utf8)), limit: nil)
    }
}

extension RoutingDataset {
    /// The first `count` examples, with the selection recorded in `identity`.
    public func prefix(_ count: Int) -> RoutingDataset {
        guard count < examples.count else { return self }
        var selected = self
        selected.examples = Array(examples.prefix(count))
        selected.identity?.limit = count
        return selected
    }
}
