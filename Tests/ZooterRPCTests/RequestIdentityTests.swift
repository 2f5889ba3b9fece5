import Logging
import Testing
@testable import ZooterRPC

/// Request ids and W3C trace context from call metadata: valid ones are kept, anything else is
/// replaced or dropped, so a client cannot forge log lines through them.
@Suite struct RequestIdentityTests {
    func identity(_ pairs: [(String, String)]) -> RequestIdentity {
        var metadata = Metadata()
        for (name, value) in pairs { metadata.add(name, value) }
        return RequestIdentity(metadata: metadata)
    }

    @Test func generatedRequestIDsAreDistinctSafeTokens() {
        let ids = (0..<20_000).map { _ in identity([]).requestID }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { RequestIdentity.isSafeToken($0) && UInt64($0, radix: 16) != nil })
        // The mix is a bijection, so consecutive counters never collide; spot-check it spreads bits.
        #expect(RequestIDGenerator.mix(1) != RequestIDGenerator.mix(2))
        #expect((RequestIDGenerator.mix(1) ^ RequestIDGenerator.mix(2)).nonzeroBitCount > 16)
    }

    @Test func aValidTraceparentIsCarried() {
        let id = identity([("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")])
        #expect(id.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(id.parentSpanID == "00f067aa0ba902b7")
        #expect(id.loggingMetadata["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736")
        // A later version may append fields.
        #expect(RequestIdentity.parseTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")?.traceID
                == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test(arguments: [
        "", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",  // three fields
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",  // uppercase
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",  // zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",  // zero span id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",  // forbidden version
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",  // version 00 with a fifth field
        "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",  // not hex
    ])
    func anInvalidTraceparentIsIgnored(_ header: String) {
        let id = identity([("traceparent", header)])
        #expect(id.traceID == nil && id.parentSpanID == nil)
    }

    @Test func aSafeRequestIDIsKeptAndAnythingElseReplaced() {
        #expect(identity([("x-request-id", "req-42.a_b")]).requestID == "req-42.a_b")
        for hostile in ["a\nb", "\"}", String(repeating: "a", count: 65), "ünï", ""] {
            let id = identity([("x-request-id", hostile)]).requestID
            #expect(id != hostile && RequestIdentity.isSafeToken(id), "\(hostile)")
        }
        #expect(identity([]).requestID != identity([]).requestID, "made ids differ")
    }
}
