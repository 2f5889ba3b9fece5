import Testing
import ZooterWire

@Suite struct MalformedTests {
    /// Inputs that are not protobuf, each with why.
    static let malformed: [(String, [UInt8])] = [
        ("truncated varint value", [0x08, 0x80]),
        ("truncated tag varint", [0x80]),
        ("varint longer than 10 bytes", [0x08] + [UInt8](repeating: 0xff, count: 11) + [0x01]),
        ("wrong wire type: fixed64 for the varint field", [0x09, 1, 2, 3, 4, 5, 6, 7, 8]),
        ("wrong wire type: fixed32 for the varint field", [0x0d, 1, 2, 3, 4]),
        ("length past the end", [0x12, 0x05, 0x61]),
        ("huge length", [0x12, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x61]),
        ("field number 0", [0x00, 0x01]),
        ("wire type 7", [0x0f, 0x01]),
        ("unknown field with truncated fixed64", [0x81, 0x06, 1, 2, 3]),
        ("garbage", [0xff, 0xff, 0xff, 0xff]),
        ("garbage 2", Array("this is not protobuf at all".utf8)),
    ]

    @Test(arguments: 0..<malformed.count)
    func healthResponseRejects(_ index: Int) {
        let (why, bytes) = Self.malformed[index]
        #expect(throws: WireError.self, "\(why)") { try HealthCheckResponse(wireBytes: bytes) }
        do {
            _ = try HealthCheckResponse(wireBytes: bytes)
        } catch {
            #expect(error.code == .malformed, "\(why)")
            #expect(error.field == nil)
            #expect(error.message.contains("HealthCheckResponse"), "names the type: \(error.message)")
        }
    }

    @Test func wrongWireTypeForStringAndDouble() {
        // RouteRequest.query (string) sent as a varint; cost_weight (double) sent as bytes.
        #expect(throws: WireError.self) { try RouteRequest(wireBytes: [0x08, 0x01]) }
        #expect(throws: WireError.self) { try RouteRequest(wireBytes: [0x12, 0x01, 0x00]) }
    }

    @Test func malformedNestedMessage() throws {
        // RouteResponse.ranked holding bytes that are no ExpertScore.
        let error = try #require(throws: WireError.self) { try RouteResponse(wireBytes: [0x0a, 0x02, 0xff, 0xff]) }
        #expect(error.code == .malformed)
        // A truncated RouteBatchRequest (every prefix of a valid encoding that cuts a field).
        let bytes = RouteBatchRequest(requests: [Fixtures.routeRequest, Fixtures.routeRequest]).wireBytes()
        #expect(throws: WireError.self) { try RouteBatchRequest(wireBytes: Array(bytes.dropLast())) }
        #expect(throws: WireError.self) { try RouteBatchRequest(wireBytes: Array(bytes.prefix(bytes.count / 2 + 1))) }
    }

    @Test func truncationsOfAManifestNeverCrash() {
        // Every prefix either decodes (cut at a field boundary) or throws .malformed.
        let bytes = Fixtures.artifact.wireBytes()
        var rejected = 0
        for length in 0..<bytes.count {
            do {
                _ = try ModelArtifact(wireBytes: Array(bytes.prefix(length)))
            } catch {
                #expect(error.code == .malformed)
                rejected += 1
            }
        }
        #expect(rejected > bytes.count / 2)
    }
}

@Suite struct InvalidUTF8Tests {
    static let invalidSequences: [[UInt8]] = [
        [0xc3, 0x28],  // bad continuation
        [0xc0, 0xaf],  // overlong "/"
        [0xed, 0xa0, 0x80],  // UTF-16 surrogate
        [0xe2, 0x82],  // truncated sequence
        [0xf4, 0x90, 0x80, 0x80],  // above U+10FFFF
        [0x61, 0xff],  // 0xff never appears in UTF-8
    ]

    @Test(arguments: invalidSequences)
    func topLevelField(_ invalid: [UInt8]) throws {
        let error = try #require(throws: WireError.self) {
            try RouteRequest(wireBytes: [0x0a, UInt8(invalid.count)] + invalid)
        }
        #expect(error.code == .invalidUTF8)
        #expect(error.field == "RouteRequest.query")
        #expect(error.message == "field RouteRequest.query is not valid UTF-8; send UTF-8 text")
        #expect(error.description.contains("invalidUTF8"))
    }

    @Test func repeatedStringNamesTheIndex() throws {
        let error = try #require(throws: WireError.self) {
            try RouteRequest(wireBytes: [0x1a, 0x01, 0x61, 0x1a, 0x01, 0xff])
        }
        #expect(error.field == "RouteRequest.allowed_experts[1]")
    }

    @Test func nestedFieldNamesThePath() throws {
        let ok: [UInt8] = [0x0a, 0x03, 0x0a, 0x01, 0x61]
        let bad: [UInt8] = [0x0a, 0x03, 0x0a, 0x01, 0xff]
        let error = try #require(throws: WireError.self) { try RouteResponse(wireBytes: ok + bad) }
        #expect(error.code == .invalidUTF8)
        #expect(error.field == "RouteResponse.ranked[1].expert")
        #expect(error.message.contains("RouteResponse.ranked[1].expert"))
    }

    @Test func deeplyNestedFieldNamesThePath() throws {
        let expert: [UInt8] = [0x0a, 0x01, 0xff]  // Expert.name
        let manifest: [UInt8] = [0x1a, UInt8(expert.count)] + expert  // ModelManifest.experts
        let artifact: [UInt8] = [0x0a, UInt8(manifest.count)] + manifest  // ModelArtifact.manifest
        let request: [UInt8] = [0x12, UInt8(artifact.count)] + artifact  // LoadModelRequest.artifact
        let error = try #require(throws: WireError.self) { try LoadModelRequest(wireBytes: request) }
        #expect(error.field == "LoadModelRequest.artifact.manifest.experts[0].name")
    }

    @Test func mapKeyAndOtherServices() throws {
        let mapError = try #require(throws: WireError.self) {
            try ModelManifest(wireBytes: [0x8a, 0x01, 0x03, 0x0a, 0x01, 0xff])
        }
        #expect(mapError.field == "ModelManifest.metrics[0].key")
        let pair: [UInt8] = [0x1a, 0x01, 0xff]  // ScorePair.response
        let scoreError = try #require(throws: WireError.self) {
            try ScoreRequest(wireBytes: [0x0a, UInt8(pair.count)] + pair)
        }
        #expect(scoreError.field == "ScoreRequest.pairs[0].response")
        let healthError = try #require(throws: WireError.self) { try HealthCheckRequest(wireBytes: [0x0a, 0x01, 0x80]) }
        #expect(healthError.field == "HealthCheckRequest.service")
        let tagError = try #require(throws: WireError.self) {
            try TagRequest(wireBytes: [0x0a, 0x03, 0x12, 0x01, 0xfe])
        }
        #expect(tagError.field == "TagRequest.queries[0].given_tags[0]")
    }
}

/// Decoding must not amplify memory without bound: millions of two-byte empty submessages were
/// unpacked into ~30× their size before any limit or auth ran (finding 9 of the hostile-input
/// review). The budgeted allocator refuses them; real batches stay far inside the budget.
@Suite struct DecodeBudgetTests {
    /// `count` empty elements of repeated field 1 (tag 0x0A, length 0).
    static func emptyElements(_ count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(2 * count)
        for _ in 0..<count { bytes += [0x0A, 0x00] }
        return bytes
    }

    @Test func millionsOfEmptySubmessagesAreRefused() {
        let bytes = Self.emptyElements(2 << 20)  // 4 MiB
        for decode in [{ _ = try RouteBatchRequest(wireBytes: bytes) }, { _ = try TagRequest(wireBytes: bytes) },
                       { _ = try ScoreRequest(wireBytes: bytes) }] as [() throws -> Void] {
            #expect { try decode() } throws: { ($0 as? WireError)?.code == .tooExpensive }
        }
    }

    @Test func fullRealisticBatchesDecode() throws {
        let query = String(repeating: "How do I sort a list in Python? ", count: 4)
        let batch = RouteBatchRequest(requests: (0..<256).map { _ in
            RouteRequest(query: query, costWeight: 0.5, allowedExperts: ["alpaca-13b", "vicuna-13b"])
        })
        #expect(try RouteBatchRequest(wireBytes: batch.wireBytes()).requests.count == 256)
        // Short queries are the worst ratio of memory to bytes a real batch has.
        let short = RouteBatchRequest(requests: (0..<256).map { _ in RouteRequest(query: "hi", allowedExperts: ["a", "b", "c"]) })
        #expect(try RouteBatchRequest(wireBytes: short.wireBytes()).requests.count == 256)
        let tags = TagRequest(queries: (0..<256).map { _ in TagQuery(query: "hi", givenTags: ["x"]) })
        #expect(try TagRequest(wireBytes: tags.wireBytes()).queries.count == 256)
    }
}
