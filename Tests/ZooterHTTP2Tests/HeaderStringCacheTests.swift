import Testing
@testable import ZooterHTTP2

@Suite struct HeaderStringCacheTests {
    private func decode(_ text: [UInt8], with cache: inout HeaderStringCache) -> String {
        text.withUnsafeBufferPointer { cache.string($0) }
    }

    /// Byte for byte, not just `==` (which also equates canonically equivalent strings).
    private func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }

    @Test func aRepeatedValueDecodesToTheSameStringAsAPlainDecode() {
        var cache = HeaderStringCache()
        for text in ["/grpc.health.v1.Health/Check", "application/grpc", "te", "h2load nghttp2/1.52.0"] {
            let bytes = Array(text.utf8)
            #expect(same(decode(bytes, with: &cache), text))
            #expect(same(decode(bytes, with: &cache), text))
        }
        // Same length, different bytes: never the cached neighbour.
        #expect(same(decode(Array("/grpc.health.v1.Health/Watc".utf8) + [104], with: &cache), "/grpc.health.v1.Health/Watch"))
        // Canonically equivalent but different bytes ("é" precomposed vs e + combining accent):
        // each gets its own bytes back.
        let precomposed = "application/caf\u{E9}-1", decomposed = "application/cafe\u{301}-1"
        #expect(same(decode(Array(precomposed.utf8), with: &cache), precomposed))
        #expect(same(decode(Array(decomposed.utf8), with: &cache), decomposed))
    }

    @Test func aValueDifferingFromACachedOneInAnySingleByteIsNotTheCachedOne() {
        // Lengths around the eight-byte words the comparison uses, a change at every offset
        // (inside a word and in the tail).
        for length in 16...41 {
            var cache = HeaderStringCache()
            let cached = (0..<length).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            #expect(same(decode(cached, with: &cache), String(decoding: cached, as: UTF8.self)))
            for offset in 0..<length {
                var variant = cached
                variant[offset] = UInt8(ascii: "0")
                #expect(same(decode(variant, with: &cache), String(decoding: variant, as: UTF8.self)))
                #expect(same(decode(cached, with: &cache), String(decoding: cached, as: UTF8.self)))
            }
        }
    }

    @Test func invalidUTF8IsRepairedLikeAPlainDecodeEveryTime() {
        var cache = HeaderStringCache()
        let bytes: [UInt8] = Array("application/grpc-".utf8) + [0xFF, 0xFE]
        let plain = String(decoding: bytes, as: UTF8.self)
        #expect(same(decode(bytes, with: &cache), plain))
        #expect(same(decode(bytes, with: &cache), plain))
    }

    @Test func manyDistinctValuesStillDecodeCorrectly() {
        // More distinct values than the cache holds, and values longer than it caches.
        var cache = HeaderStringCache()
        let texts = (0..<(3 * HeaderStringCache.capacity)).map { "value-number-\($0)-of-a-long-list" }
            + [String(repeating: "x", count: HeaderStringCache.maxCachedLength + 1)]
        for _ in 0..<2 {
            for text in texts { #expect(same(decode(Array(text.utf8), with: &cache), text)) }
        }
    }
}
