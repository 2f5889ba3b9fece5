public import Foundation

/// On-disk cache of query embeddings keyed by encoder identity and per-text hash, so a second run
/// skips encoding.
///
/// One file per encoder identity: `<directory>/<fnv1a64(identity)>.zemb`, little-endian:
/// ```
/// "ZEMBCACH"            8 bytes magic
/// version   UInt32      = 1
/// dimension UInt32
/// count     UInt64
/// idLength  UInt32, identity UTF-8 bytes
/// hashes    count × UInt64   FNV-1a 64 of each text's UTF-8
/// vectors   count × dimension × Float32
/// ```
/// A file that fails any check (magic, version, identity, sizes, non-finite values) is ignored and
/// rewritten on the next store: a corrupt cache costs a re-encode, never a wrong embedding.
public struct EmbeddingCache: Sendable {
    public let directory: URL
    public let encoderIdentity: String

    public init(directory: URL, encoderIdentity: String) {
        self.directory = directory
        self.encoderIdentity = encoderIdentity
    }

    public var fileURL: URL {
        directory.appendingPathComponent(FNV1a64.hash(encoderIdentity).hexString + ".zemb")
    }

    /// Cached rows for `texts` in order, or nil unless every text is cached.
    public func load(texts: [String]) -> Matrix? {
        guard let entries = readEntries(), !texts.isEmpty else { return nil }
        var values: [Float] = []
        values.reserveCapacity(texts.count * entries.dimension)
        for text in texts {
            guard let row = entries.rows[FNV1a64.hash(text)] else { return nil }
            values.append(contentsOf: row)
        }
        return Matrix(rows: texts.count, columns: entries.dimension, values: values)
    }

    /// Adds `embeddings` (row i = `texts[i]`) to the cache file, keeping valid existing entries of
    /// the same dimension. Written to a temporary file and moved into place.
    public func store(texts: [String], embeddings: Matrix) throws(CoreError) {
        precondition(texts.count == embeddings.rows, "one embedding row per text")
        var rows = [UInt64: [Float]]()
        if let existing = readEntries(), existing.dimension == embeddings.columns { rows = existing.rows }
        for (i, text) in texts.enumerated() { rows[FNV1a64.hash(text)] = Array(embeddings.row(i)) }
        let bytes = encode(rows: rows, dimension: embeddings.columns)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(bytes).write(to: fileURL, options: .atomic)
        } catch {
            throw CoreError.embeddingCache(FileProblem(path: fileURL.path, message: "cannot write cache (\(error.localizedDescription))", cause: error))
        }
    }

    /// Embeddings for `texts`, encoding only the texts not yet cached (each distinct text once),
    /// then storing them. Returns the matrix in `texts` order and how many texts were encoded.
    public func embeddings(for texts: [String],
                           encode: ([String]) throws -> Matrix) throws -> (embeddings: Matrix, encoded: Int) {
        var rows = [UInt64: [Float]]()
        var dimension = 0
        if let entries = readEntries() { rows = entries.rows; dimension = entries.dimension }
        var missing: [String] = []
        var seen = Set<UInt64>()
        for text in texts {
            let key = FNV1a64.hash(text)
            if rows[key] == nil, seen.insert(key).inserted { missing.append(text) }
        }
        if !missing.isEmpty {
            let fresh = try encode(missing)
            precondition(fresh.rows == missing.count, "the encoder must return one row per text")
            if fresh.columns != dimension { rows = [:] }  // a different width invalidates old entries
            dimension = fresh.columns
            for (i, text) in missing.enumerated() { rows[FNV1a64.hash(text)] = Array(fresh.row(i)) }
            let keys = texts.map { FNV1a64.hash($0) }
            var values: [Float] = []
            for key in keys { values.append(contentsOf: rows[key] ?? []) }
            let all = Matrix(rows: texts.count, columns: dimension, values: values)
            try store(texts: texts, embeddings: all)
            return (all, missing.count)
        }
        var values: [Float] = []
        values.reserveCapacity(texts.count * dimension)
        for text in texts { values.append(contentsOf: rows[FNV1a64.hash(text)] ?? []) }
        return (Matrix(rows: texts.count, columns: dimension, values: values), 0)
    }

    // MARK: file format

    private static let magic: [UInt8] = Array("ZEMBCACH".utf8)

    private func encode(rows: [UInt64: [Float]], dimension: Int) -> [UInt8] {
        let keys = rows.keys.sorted()
        var out: [UInt8] = EmbeddingCache.magic
        out.reserveCapacity(64 + keys.count * (8 + 4 * dimension))
        out.appendLittleEndian(UInt32(1))
        out.appendLittleEndian(UInt32(dimension))
        out.appendLittleEndian(UInt64(keys.count))
        let identity = Array(encoderIdentity.utf8)
        out.appendLittleEndian(UInt32(identity.count))
        out.append(contentsOf: identity)
        for key in keys { out.appendLittleEndian(key) }
        for key in keys { for v in rows[key] ?? [] { out.appendLittleEndian(v.bitPattern) } }
        return out
    }

    /// Valid entries of the cache file, or nil when absent or invalid.
    private func readEntries() -> (dimension: Int, rows: [UInt64: [Float]])? {
        guard let data = try? Data(contentsOf: fileURL) else { return nil }
        var reader = ByteReader(bytes: [UInt8](data))
        guard reader.take(8) == EmbeddingCache.magic,
              reader.uint32() == 1,
              let dimension = reader.uint32().map(Int.init), dimension > 0,
              let count = reader.uint64().map(Int.init), count >= 0,
              let idLength = reader.uint32().map(Int.init),
              let identity = reader.take(idLength), identity == Array(encoderIdentity.utf8),
              reader.remaining == count * (8 + 4 * dimension)
        else { return nil }
        var keys: [UInt64] = []
        keys.reserveCapacity(count)
        for _ in 0..<count { guard let key = reader.uint64() else { return nil }; keys.append(key) }
        var rows = [UInt64: [Float]](minimumCapacity: count)
        for key in keys {
            var row = [Float](repeating: 0, count: dimension)
            for j in 0..<dimension {
                guard let bits = reader.uint32() else { return nil }
                let value = Float(bitPattern: bits)
                guard value.isFinite else { return nil }
                row[j] = value
            }
            rows[key] = row
        }
        return (dimension, rows)
    }
}

extension UInt64 {
    var hexString: String {
        let digits = String(self, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension [UInt8] {
    mutating func appendLittleEndian(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    mutating func appendLittleEndian(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

/// Sequential little-endian reads over a byte array; every read is bounds-checked.
struct ByteReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func take(_ n: Int) -> [UInt8]? {
        guard n >= 0, n <= remaining else { return nil }
        defer { offset += n }
        return Array(bytes[offset..<(offset + n)])
    }

    mutating func uint32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        var v: UInt32 = 0
        for i in 0..<4 { v |= UInt32(bytes[offset + i]) << UInt32(8 * i) }
        offset += 4
        return v
    }

    mutating func uint64() -> UInt64? {
        guard remaining >= 8 else { return nil }
        var v: UInt64 = 0
        for i in 0..<8 { v |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += 8
        return v
    }
}
