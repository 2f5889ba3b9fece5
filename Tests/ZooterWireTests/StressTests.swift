import Testing
import ZooterWire

/// A double free or leak cannot be observed directly from a test; these loops at least run
/// every unpack/free and arena path many times (a double free aborts the process under glibc's
/// checks; run under valgrind/ASan for leaks). Error paths are included: they free too.
@Suite struct StressTests {
    @Test func decodeManyMessages() throws {
        let response = Fixtures.routeResponse.wireBytes()
        let manifest = Fixtures.artifact.wireBytes()
        let badUTF8: [UInt8] = [0x0a, 0x03, 0x0a, 0x01, 0x61, 0x0a, 0x03, 0x0a, 0x01, 0xff]
        let truncated = Array(manifest.dropLast(3))
        var decoded = 0
        var failed = 0
        for i in 0..<10_000 {
            decoded += try RouteResponse(wireBytes: response).ranked.count
            decoded += try HealthCheckRequest(wireBytes: []).service.count
            if i % 10 == 0 { decoded += try ModelArtifact(wireBytes: manifest).headSafetensors.count }
            do { _ = try RouteResponse(wireBytes: badUTF8) } catch { failed += 1 }
            do { _ = try ModelArtifact(wireBytes: truncated) } catch { failed += 1 }
        }
        #expect(decoded == 10_000 * 2 + 1_000 * Fixtures.artifact.headSafetensors.count)
        #expect(failed == 20_000)
    }

    @Test func encodeManyMessages() throws {
        var total = 0
        for i in 0..<10_000 {
            total += HealthCheckResponse(status: .serving).wireBytes().count
            total += RouteResponse(ranked: Fixtures.routeResponse.ranked, chosen: "c\(i)").wireBytes().count > 0 ? 1 : 0
            if i % 10 == 0 { total += LoadModelRequest(source: .artifact(Fixtures.artifact)).wireBytes().count > 0 ? 1 : 0 }
        }
        #expect(total == 10_000 * 3 + 1_000)
    }
}
