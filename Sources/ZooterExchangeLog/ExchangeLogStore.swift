public import Foundation
import GRDB

/// The exchange log's SQLite file. The gateway appends in batches (one transaction each, in WAL
/// mode with full fsync, so a committed batch survives a crash or power loss); the trainer reads
/// it (drift, export) while the gateway writes.
public final class ExchangeLogStore: Sendable {
    private let database: any DatabaseWriter

    public enum Mode: Sendable { case write, read }

    public init(path: String, mode: Mode) throws {
        var configuration = Configuration()
        configuration.readonly = mode == .read
        configuration.busyMode = .timeout(5)
        if mode == .read {
            guard FileManager.default.fileExists(atPath: path) else { throw ExchangeLogError("no exchange log at \(path)") }
            database = try DatabaseQueue(path: path, configuration: configuration)
        } else {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            database = try DatabasePool(path: path, configuration: configuration)   // WAL
            try Self.migrator.migrate(database)
        }
        if mode == .read {
            let hasTable = try database.read { try $0.tableExists(LoggedExchange.databaseTableName) }
            guard hasTable else { throw ExchangeLogError("\(path) is not a Zooter exchange log (no \(LoggedExchange.databaseTableName) table)") }
        }
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.create(table: LoggedExchange.databaseTableName) { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("time", .double).notNull().indexed()
                table.column("request_id", .text).notNull()
                table.column("tenant", .text).notNull()
                table.column("model_version", .text).notNull()
                table.column("expert", .text).notNull()
                table.column("probability", .double)
                table.column("probabilities", .text).notNull()
                table.column("routed", .boolean).notNull()
                table.column("fallback", .boolean).notNull()
                table.column("query", .text)
                table.column("answer", .text)
                table.column("reward", .double)
                table.column("scorer", .text)
                table.column("tags", .text).notNull()
            }
        }
        return migrator
    }

    /// Appends `exchanges` in one transaction.
    public func append(_ exchanges: [LoggedExchange]) throws {
        try database.write { db in
            for exchange in exchanges { try exchange.insert(db) }
        }
    }

    /// Deletes exchanges logged before `cutoff` (the retention period); returns how many.
    @discardableResult
    public func prune(before cutoff: Date) throws -> Int {
        try database.write { db in
            try LoggedExchange.filter(Column("time") < cutoff.timeIntervalSince1970).deleteAll(db)
        }
    }

    /// Exchanges logged in [from, to), oldest first.
    public func exchanges(from: Date = .distantPast, to: Date = .distantFuture) throws -> [LoggedExchange] {
        try database.read { db in
            try LoggedExchange.filter(Column("time") >= from.timeIntervalSince1970 && Column("time") < to.timeIntervalSince1970)
                .order(Column("time"), Column("id")).fetchAll(db)
        }
    }

    public func count() throws -> Int {
        try database.read { try LoggedExchange.fetchCount($0) }
    }
}

/// A problem with an exchange log file, said in words.
public struct ExchangeLogError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
