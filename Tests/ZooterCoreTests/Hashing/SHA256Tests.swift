import Foundation
import Testing
import ZooterCore

/// FIPS 180-4 / NIST CAVP known-answer vectors.
@Suite("SHA-256")
struct SHA256Tests {
    @Test func knownVectors() {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(SHA256.hex(Data(repeating: UInt8(ascii: "a"), count: 1_000_000))
                == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    /// Streaming over uneven chunks equals one-shot hashing (padding across block boundaries).
    @Test func incrementalUpdatesMatchOneShot() {
        let bytes = (0..<200_003).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        for split in [0, 1, 55, 56, 63, 64, 65, 65_537, 200_003] {
            var hasher = SHA256.Hasher()
            hasher.update(bytes[..<split])
            hasher.update(bytes[split...])
            let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
            #expect(hex == SHA256.hex(bytes), "split at \(split)")
        }
    }
}
