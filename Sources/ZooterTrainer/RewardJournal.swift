public import Foundation

/// An append-only record of every reward the scorers returned, so a crash, a killed replica or a
/// stopped run loses no score: a re-run reads the journal and scores only what is missing.
///
/// One JSON object per line, `{"id": …, "expert": …, "reward": …}`. Each batch is appended and
/// flushed to disk (fsync) before the trainer moves on. A torn last line (a crash mid-write) is
/// cut off when the journal is reopened.
public final class RewardJournal {
    public let url: URL
    private let handle: FileHandle
    public private(set) var scores: [Key: Double] = [:]

    struct Line: Codable {
        var id: String
        var expert: String
        var reward: Double
    }

    public struct Key: Hashable, Sendable {
        public var id: String
        public var expert: String
        public init(id: String, expert: String) {
            self.id = id
            self.expert = expert
        }
    }

    public init(url: URL) throws {
        self.url = url
        if !FileManager.default.fileExists(atPath: url.path) {
            FileManager.default.createFile(atPath: url.path, contents: nil)
        }
        let data = try Data(contentsOf: url)
        var validLength = 0
        let decoder = JSONDecoder()
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            guard let entry = try? decoder.decode(Line.self, from: Data(line)), entry.reward.isFinite,
                  validLength + line.count + 1 <= data.count else {
                break  // a torn tail: drop it and everything after
            }
            scores[Key(id: entry.id, expert: entry.expert)] = entry.reward
            validLength += line.count + 1
        }
        handle = try FileHandle(forUpdating: url)
        // Cut a torn tail so new lines start clean.
        try handle.truncate(atOffset: UInt64(validLength))
        try handle.seekToEnd()
    }

    deinit {
        try? handle.close()
    }

    /// Appends scores and makes them durable before returning.
    public func append(_ batch: [(Key, Double)]) throws {
        guard !batch.isEmpty else { return }
        var data = Data()
        let encoder = JSONEncoder()
        for (key, reward) in batch {
            data.append(try encoder.encode(Line(id: key.id, expert: key.expert, reward: reward)))
            data.append(UInt8(ascii: "\n"))
            scores[key] = reward
        }
        try handle.write(contentsOf: data)
        try handle.synchronize()
    }
}
