import Testing
import ZooterWire

/// Encodes then decodes; the value must come back unchanged. Floating-point fields are
/// compared bit-exactly on purpose: the wire format stores the IEEE bits, so no tolerance applies.
func roundTrip<M: WireMessage & Equatable>(_ message: M, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let bytes = message.wireBytes()
    let decoded = try M(wireBytes: bytes)
    #expect(decoded == message, sourceLocation: sourceLocation)
    #expect(decoded.wireBytes() == bytes, "re-encoding must be stable", sourceLocation: sourceLocation)
}

@Suite struct RoundTripTests {
    @Test func health() throws {
        try roundTrip(HealthCheckRequest(service: "zooter.v1.Router"))
        try roundTrip(HealthCheckRequest(service: Fixtures.unicode))
        for status in [HealthCheckResponse.ServingStatus.unknown, .serving, .notServing, .serviceUnknown, .unrecognized(9), .unrecognized(-1)] {
            try roundTrip(HealthCheckResponse(status: status))
        }
    }

    @Test func common() throws {
        try roundTrip(Fixtures.encoder)
        for expert in Fixtures.experts { try roundTrip(expert) }
    }

    @Test func artifact() throws {
        try roundTrip(Fixtures.manifest)
        try roundTrip(Fixtures.artifact)
        try roundTrip(ModelArtifact(manifest: nil, headSafetensors: [0xde, 0xad]))
        var manifest = Fixtures.manifest
        manifest.rewardTransform = .unrecognized(77)
        manifest.headKind = .linear
        manifest.tagSource = .noTags
        manifest.metrics = ["": -0.5, "ünï": 1e300]
        try roundTrip(manifest)
        // A large head: 1 MiB of bytes survives unchanged.
        let head = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try roundTrip(ModelArtifact(manifest: Fixtures.manifest, headSafetensors: head))
    }

    @Test func router() throws {
        try roundTrip(Fixtures.routeRequest)
        try roundTrip(Fixtures.routeResponse)
        try roundTrip(RouteBatchRequest(requests: [Fixtures.routeRequest, RouteRequest(), Fixtures.routeRequest]))
        try roundTrip(RouteBatchResponse(responses: [Fixtures.routeResponse, RouteResponse()]))
        try roundTrip(LoadModelRequest(source: .artifactPath("/srv/models/run-7")))
        try roundTrip(LoadModelRequest(source: .artifact(Fixtures.artifact)))
        try roundTrip(LoadModelRequest(source: .artifact(ModelArtifact())))
        try roundTrip(LoadModelRequest(source: nil))
        try roundTrip(LoadModelResponse(modelVersion: "b", expertCount: 6, previousModelVersion: "a"))
        try roundTrip(ModelInfoRequest())
        try roundTrip(ModelInfoResponse(
            loaded: true, manifest: Fixtures.manifest, encoder: Fixtures.encoder, loadedUnixSeconds: 1_764_428_500,
            routesServed: .max))
        try roundTrip(ModelInfoResponse(loaded: false, manifest: nil, encoder: Fixtures.encoder))
    }

    @Test func emptyOneofStringIsStillSet() throws {
        // A oneof member set to its default is still present on the wire (2 bytes: tag, length 0).
        let request = LoadModelRequest(source: .artifactPath(""))
        #expect(request.wireBytes() == [0x0a, 0x00])
        #expect(try LoadModelRequest(wireBytes: [0x0a, 0x00]).source == .artifactPath(""))
    }

    @Test func reward() throws {
        try roundTrip(Fixtures.scoreRequest)
        try roundTrip(Fixtures.scoreResponse)
        try roundTrip(RewardInfoRequest())
        try roundTrip(Fixtures.rewardInfo)
        try roundTrip(RewardInfoResponse(scorer: "judge", version: "", encoder: nil, maxBatch: 1, replicaID: ""))
    }

    @Test func tagger() throws {
        try roundTrip(TagRequest(
            queries: [TagQuery(query: Fixtures.unicode, givenTags: ["math", ""]), TagQuery(query: "q")], maxTags: 5,
            minScore: 0.375))
        try roundTrip(Fixtures.tagResponse)
        try roundTrip(TaggerInfoRequest())
        try roundTrip(Fixtures.taggerInfo)
        try roundTrip(ScoredTag(name: "x", score: -0.0, origin: .unrecognized(12)))
    }

    @Test func largeRepeated() throws {
        let requests = (0..<2_000).map { RouteRequest(query: "query \($0) \(Fixtures.unicode)", requestID: "\($0)") }
        try roundTrip(RouteBatchRequest(requests: requests))
        let pairs = (0..<5_000).map { ScorePair(id: "\($0)", query: "q", response: String(repeating: "r", count: $0 % 50)) }
        try roundTrip(ScoreRequest(pairs: pairs))
        var manifest = Fixtures.manifest
        manifest.tags = (0..<3_000).map { "tag-\($0)" }
        manifest.metrics = Dictionary(uniqueKeysWithValues: (0..<1_000).map { ("metric_\($0)", Double($0) / 8) })
        try roundTrip(manifest)
        // A 1 MB string.
        try roundTrip(RouteRequest(query: String(repeating: "é", count: 500_000)))
    }

    @Test func defaultsEncodeToNothingAndDecodeFromNothing() throws {
        #expect(HealthCheckRequest().wireBytes() == [])
        #expect(HealthCheckResponse().wireBytes() == [])
        #expect(RouteRequest().wireBytes() == [])
        #expect(ModelManifest().wireBytes() == [])
        #expect(try HealthCheckRequest(wireBytes: []) == HealthCheckRequest())
        #expect(try HealthCheckResponse(wireBytes: []) == HealthCheckResponse())
        #expect(try RouteResponse(wireBytes: []) == RouteResponse())
        #expect(try ModelInfoResponse(wireBytes: []) == ModelInfoResponse())
        #expect(try LoadModelRequest(wireBytes: []).source == nil)
        #expect(try TaggerInfoResponse(wireBytes: []) == TaggerInfoResponse())
    }

    @Test func stringsEndAtNUL() throws {
        // Documented protobuf-c limitation (C strings): U+0000 ends a string field.
        let decoded = try RouteRequest(wireBytes: RouteRequest(query: "ab\u{0}cd").wireBytes())
        #expect(decoded.query == "ab")
    }
}
