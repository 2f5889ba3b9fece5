import Foundation
import Synchronization
import Testing
@testable import ZooterCore

@Suite struct EmbeddingCacheTests {
    /// A fake encoder that counts how many texts it embedded.
    final class CountingEncoder: Sendable {
        let calls = Mutex(0)
        func encode(_ texts: [String]) -> Matrix {
            calls.withLock { $0 += texts.count }
            var m = Matrix(rows: texts.count, columns: 5)
            for (r, t) in texts.enumerated() { for c in 0..<5 { m[r, c] = Float(t.utf8.count * (c + 1)) + 0.25 } }
            return m
        }
    }

    @Test func secondRunSkipsEncoding() throws {
        let dir = try TestSupport.temporaryDirectory()
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(directory: dir, encoderIdentity: "fake-v1")
        let texts = ["a", "bb", "a", "ccc"]
        let (first, encoded) = try cache.embeddings(for: texts, encode: encoder.encode)
        #expect(encoded == 3)  // "a" is encoded once
        let (second, encodedAgain) = try cache.embeddings(for: texts, encode: encoder.encode)
        #expect(encodedAgain == 0)
        #expect(first == second)
        #expect(encoder.calls.withLock { $0 } == 3)
        #expect(cache.load(texts: ["ccc", "a"])?.row(0) == first.row(3))
        // Another identity does not see these entries.
        #expect(EmbeddingCache(directory: dir, encoderIdentity: "fake-v2").load(texts: ["a"]) == nil)
        // Only new texts are encoded.
        _ = try cache.embeddings(for: ["a", "dddd"], encode: encoder.encode)
        #expect(encoder.calls.withLock { $0 } == 4)
    }

    @Test func corruptCacheIsIgnoredAndRewritten() throws {
        let dir = try TestSupport.temporaryDirectory()
        let encoder = CountingEncoder()
        let cache = EmbeddingCache(directory: dir, encoderIdentity: "fake")
        _ = try cache.embeddings(for: ["x", "y"], encode: encoder.encode)
        var bytes = [UInt8](try Data(contentsOf: cache.fileURL))
        for (name, damage) in [("truncated", Array(bytes.dropLast(3))), ("bad magic", [0] + bytes.dropFirst())] {
            try Data(damage).write(to: cache.fileURL)
            #expect(cache.load(texts: ["x"]) == nil, "\(name)")
        }
        // A NaN value is rejected too.
        bytes.replaceSubrange((bytes.count - 4)..<bytes.count, with: [0x00, 0x00, 0xC0, 0x7F])
        try Data(bytes).write(to: cache.fileURL)
        #expect(cache.load(texts: ["x"]) == nil)
        let (again, encoded) = try cache.embeddings(for: ["x", "y"], encode: encoder.encode)
        #expect(encoded == 2 && again.rows == 2)
        #expect(cache.load(texts: ["y", "x"]) != nil)
    }
}
