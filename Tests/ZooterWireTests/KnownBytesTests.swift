import Testing
import ZooterWire

/// Encodings computed by hand from the protobuf wire format spec
/// (tag = field_number << 3 | wire_type; varints little-endian base 128).
@Suite struct KnownBytesTests {
    @Test func healthEncodings() throws {
        #expect(HealthCheckResponse(status: .serving).wireBytes() == [0x08, 0x01])
        #expect(HealthCheckResponse(status: .serviceUnknown).wireBytes() == [0x08, 0x03])
        // Negative enum numbers are int32 varints, sign-extended to 10 bytes.
        let minusOne: [UInt8] = [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
        #expect(HealthCheckResponse(status: .unrecognized(-1)).wireBytes() == minusOne)
        #expect(try HealthCheckResponse(wireBytes: minusOne).status == .unrecognized(-1))
        let service = Array("zooter.v1.Router".utf8)
        #expect(HealthCheckRequest(service: "zooter.v1.Router").wireBytes() == [0x0a, 16] + service)
        #expect(try HealthCheckRequest(wireBytes: [0x0a, 16] + service).service == "zooter.v1.Router")
    }

    @Test func routeRequestEncoding() throws {
        let bytes: [UInt8] = [
            0x0a, 0x02, 0x68, 0x69,  // 1: query "hi"
            0x11, 0, 0, 0, 0, 0, 0, 0xe0, 0x3f,  // 2: cost_weight 0.5 (fixed64 LE)
            0x1a, 0x01, 0x61,  // 3: allowed_experts "a"
            0x1a, 0x00,  // 3: allowed_experts ""
            0x28, 0x03,  // 5: top_k 3
        ]
        let request = RouteRequest(query: "hi", costWeight: 0.5, allowedExperts: ["a", ""], topK: 3)
        #expect(request.wireBytes() == bytes)
        #expect(try RouteRequest(wireBytes: bytes) == request)
    }

    @Test func unknownEnumNumbersAreKept() throws {
        #expect(try HealthCheckResponse(wireBytes: [0x08, 0x07]).status == .unrecognized(7))
        #expect(HealthCheckResponse.ServingStatus(rawValue: 2) == .notServing)
        #expect(HealthCheckResponse.ServingStatus.unrecognized(7).rawValue == 7)
    }

    @Test func lastValueWinsForRepeatedSingularField() throws {
        #expect(try HealthCheckResponse(wireBytes: [0x08, 0x01, 0x08, 0x02]).status == .notServing)
    }

    @Test func mapLastWins() throws {
        // ModelManifest.metrics is field 17: tag 17<<3|2 = 138 = varint 0x8a 0x01.
        func entry(_ key: String, _ value: [UInt8]) -> [UInt8] {
            let body: [UInt8] = [0x0a, UInt8(key.utf8.count)] + Array(key.utf8) + [0x11] + value
            return [0x8a, 0x01, UInt8(body.count)] + body
        }
        let one: [UInt8] = [0, 0, 0, 0, 0, 0, 0xf0, 0x3f]  // 1.0
        let two: [UInt8] = [0, 0, 0, 0, 0, 0, 0x00, 0x40]  // 2.0
        let bytes = entry("acc", one) + entry("f1", one) + entry("acc", two)
        let manifest = try ModelManifest(wireBytes: bytes)
        #expect(manifest.metrics == ["acc": 2, "f1": 1])
        // Encoding writes each key once, sorted by key.
        #expect(manifest.wireBytes() == entry("acc", two) + entry("f1", one))
    }

    @Test func oneofLastMemberWins() throws {
        let path: [UInt8] = [0x0a, 0x01, 0x70]  // artifact_path "p"
        let artifact: [UInt8] = [0x12, 0x00]  // artifact {}
        #expect(try LoadModelRequest(wireBytes: path + artifact).source == .artifact(ModelArtifact()))
        #expect(try LoadModelRequest(wireBytes: artifact + path).source == .artifactPath("p"))
    }

    @Test func unknownFieldsAreSkipped() throws {
        let unknown: [UInt8] = [
            0x98, 0x06, 0x05,  // field 99, varint 5
            0x92, 0x06, 0x03, 0x78, 0x79, 0x7a,  // field 98, bytes "xyz"
            0x8d, 0x06, 1, 2, 3, 4,  // field 97, fixed32
            0x81, 0x06, 1, 2, 3, 4, 5, 6, 7, 8,  // field 96, fixed64
        ]
        let known: [UInt8] = [0x0a, 0x01, 0x61]  // service "a"
        #expect(try HealthCheckRequest(wireBytes: unknown + known + unknown).service == "a")
        // Also inside a nested message: an ExpertScore with an extra field.
        let score: [UInt8] = [0x0a, 0x01, 0x61] + unknown
        let response = try RouteResponse(wireBytes: [0x0a, UInt8(score.count)] + score + [0x12, 0x01, 0x61])
        #expect(response.ranked == [ExpertScore(expert: "a")])
        #expect(response.chosen == "a")
        // Unknown fields are not re-encoded (Swift values keep known fields only).
        #expect(try HealthCheckRequest(wireBytes: unknown + known).wireBytes() == known)
    }
}
