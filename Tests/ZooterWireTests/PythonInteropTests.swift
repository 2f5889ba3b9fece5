import Foundation
import Testing
import ZooterTestSupport
import ZooterWire

/// Cross-checks our encodings against Google's protobuf runtime: classes generated at test
/// time by `python3 -m grpc_tools.protoc --python_out` from Protos/, serialized with
/// `SerializeToString(deterministic=True)` (maps sorted by key, like ours). The bytes must be
/// identical both ways. Needs python3 with grpcio-tools (installed by scripts/setup); set
/// ZOOTER_SKIP_PYTHON_INTEROP=1 to skip where it is unavailable.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["ZOOTER_SKIP_PYTHON_INTEROP"] != "1"))
struct PythonInteropTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The Python twin of `Fixtures`, printing "name hex" lines.
    static let script = #"""
        import sys
        sys.path.insert(0, sys.argv[1])
        from zooter.v1 import artifact_pb2 as a, common_pb2 as c, reward_pb2 as w, router_pb2 as r, tagger_pb2 as t
        import health_pb2 as h
        U = "Wie geht's? \u4f60\u597d \u2014 \U0001f680 \u00e9\u0301 \ufdfd"
        enc = c.EncoderInfo(name="sentence-transformers/all-MiniLM-L6-v2", sha256="ab" * 32, dimension=384, max_tokens=256)
        experts = [c.Expert(name="vicuna-13b", cost=0.5, params_b=13, kind="chat", endpoint="http://vicuna:8000/v1"),
                   c.Expert(name="wizardlm-13b", cost=1, params_b=13.25, kind="instruct"),
                   c.Expert(name=U)]
        m = a.ModelManifest(
            format_version=1, model_version="alpaca-13b-2025-11-29-3f2a", experts=experts, encoder=enc.name,
            encoder_sha256=enc.sha256, head_kind=a.HEAD_KIND_MLP, hidden_size=256, embedding_dim=384,
            reward_transform=a.REWARD_TRANSFORM_LOGIT, temperature=0.125, beta=0.75,
            tag_source=a.TAG_SOURCE_DATASET_AND_TAGGER, tags=["coding", "math", U], dataset_sha256="0f" * 32,
            reward_source="dataset", tagger="zooter-tagger@1",
            metrics={"oracle_reward": 0.625, "cv_mean_reward": 0.40625}, created_unix_seconds=1764428400,
            confidence_threshold=0.25, fallback_expert="vicuna-13b", head_sha256="9c" * 32,
            dataset_selection="first 800", encoder_path="encoder")
        cases = {
            "routeRequest": r.RouteRequest(query=U, cost_weight=0.25, allowed_experts=["vicuna-13b", "wizardlm-13b"],
                                           request_id="req-42", top_k=2),
            "routeResponse": r.RouteResponse(
                ranked=[r.ExpertScore(expert="vicuna-13b", probability=0.75, cost=0.5, score=0.625),
                        r.ExpertScore(expert="wizardlm-13b", probability=0.25, cost=1, score=0)],
                chosen="vicuna-13b", model_version=m.model_version, encode_micros=1234, total_micros=1 << 40,
                request_id="req-42", fallback_used=True),
            "manifest": m,
            "loadArtifact": r.LoadModelRequest(artifact=a.ModelArtifact(manifest=m, head_safetensors=bytes([0, 1, 2, 0x7f, 0x80, 0xff]))),
            "loadPath": r.LoadModelRequest(artifact_path="/srv/models/run-7"),
            "modelInfo": r.ModelInfoResponse(loaded=True, manifest=m, encoder=enc, loaded_unix_seconds=1764428500,
                                             routes_served=2**64 - 1),
            "tagResponse": t.TagResponse(results=[
                t.QueryTags(tags=[t.ScoredTag(name="math", score=1, origin=t.TAG_ORIGIN_GIVEN),
                                  t.ScoredTag(name="coding", score=0.5, origin=t.TAG_ORIGIN_TAXONOMY),
                                  t.ScoredTag(name="latent/7", score=0.25, origin=t.TAG_ORIGIN_LATENT)]),
                t.QueryTags()], tagger="zooter-tagger", tagger_version="1"),
            "taggerInfo": t.TaggerInfoResponse(
                taxonomy=[t.TaxonomyTag(name="coding", description="Writing or fixing code"), t.TaxonomyTag(name="math")],
                latent_clusters=16, encoder=enc, tagger="zooter-tagger", version="1", max_batch=64),
            "scoreRequest": w.ScoreRequest(pairs=[w.ScorePair(id="q1/vicuna-13b", query=U, response="Sure! Here is\u2026"),
                                                 w.ScorePair(query="x")]),
            "scoreResponse": w.ScoreResponse(results=[w.ScoredPair(id="q1/vicuna-13b", reward=-1.5, cached=True), w.ScoredPair()],
                                             scorer="minilm-cosine", scorer_version="2", cache_hits=1),
            "rewardInfo": w.RewardInfoResponse(scorer="minilm-cosine", version="2", encoder=enc, max_batch=128, replica_id="reward-0"),
            "healthRequest": h.HealthCheckRequest(service="zooter.v1.Router"),
            "healthServing": h.HealthCheckResponse(status=h.HealthCheckResponse.SERVING),
            "healthUnrecognized": h.HealthCheckResponse(status=-1),
        }
        for name, message in cases.items():
            print(name, message.SerializeToString(deterministic=True).hex())
        """#

    /// Our side: name → (our encoding, does `bytes` decode to the fixture?).
    static func ours() -> [String: ([UInt8], ([UInt8]) throws -> Bool)] {
        func entry<M: WireMessage & Equatable>(_ value: M) -> ([UInt8], ([UInt8]) throws -> Bool) {
            (value.wireBytes(), { try M(wireBytes: $0) == value })
        }
        return [
            "routeRequest": entry(Fixtures.routeRequest),
            "routeResponse": entry(Fixtures.routeResponse),
            "manifest": entry(Fixtures.manifest),
            "loadArtifact": entry(LoadModelRequest(source: .artifact(Fixtures.artifact))),
            "loadPath": entry(LoadModelRequest(source: .artifactPath("/srv/models/run-7"))),
            "modelInfo": entry(ModelInfoResponse(
                loaded: true, manifest: Fixtures.manifest, encoder: Fixtures.encoder, loadedUnixSeconds: 1_764_428_500,
                routesServed: .max)),
            "tagResponse": entry(Fixtures.tagResponse),
            "taggerInfo": entry(Fixtures.taggerInfo),
            "scoreRequest": entry(Fixtures.scoreRequest),
            "scoreResponse": entry(Fixtures.scoreResponse),
            "rewardInfo": entry(Fixtures.rewardInfo),
            "healthRequest": entry(HealthCheckRequest(service: "zooter.v1.Router")),
            "healthServing": entry(HealthCheckResponse(status: .serving)),
            "healthUnrecognized": entry(HealthCheckResponse(status: .unrecognized(-1))),
        ]
    }

    @Test func encodingsMatchGoogleProtobuf() async throws {
        let output = try await runWithGeneratedModules(Self.script)

        var theirs: [String: [UInt8]] = [:]
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            theirs[String(parts[0])] = try #require(hexBytes(parts.count > 1 ? String(parts[1]) : ""))
        }
        let ours = Self.ours()
        #expect(Set(theirs.keys) == Set(ours.keys))
        for (name, (encoded, decodesToFixture)) in ours.sorted(by: { $0.key < $1.key }) {
            let python = try #require(theirs[name], "python printed no \(name)")
            #expect(encoded == python, "\(name): ours \(hex(encoded)) vs python \(hex(python))")
            #expect(try decodesToFixture(python), "\(name): python's bytes decode to a different value")
        }
    }

    /// Every message of the protos, by full name: a message missing here, or a field our Swift
    /// mirror does not map, fails `everyFieldOfEveryMessageSurvivesOurDecodeAndEncode`.
    static let registry: [String: @Sendable ([UInt8]) throws -> [UInt8]] = {
        func roundTrip<M: WireMessage>(_ type: M.Type) -> @Sendable ([UInt8]) throws -> [UInt8] { { try M(wireBytes: $0).wireBytes() } }
        return [
            "zooter.v1.EncoderInfo": roundTrip(EncoderInfo.self), "zooter.v1.Expert": roundTrip(Expert.self),
            "zooter.v1.ExpertScore": roundTrip(ExpertScore.self), "zooter.v1.LoadModelRequest": roundTrip(LoadModelRequest.self),
            "zooter.v1.LoadModelResponse": roundTrip(LoadModelResponse.self), "zooter.v1.ModelArtifact": roundTrip(ModelArtifact.self),
            "zooter.v1.ModelInfoRequest": roundTrip(ModelInfoRequest.self), "zooter.v1.ModelInfoResponse": roundTrip(ModelInfoResponse.self),
            "zooter.v1.ModelManifest": roundTrip(ModelManifest.self), "zooter.v1.QueryTags": roundTrip(QueryTags.self),
            "zooter.v1.RewardInfoRequest": roundTrip(RewardInfoRequest.self), "zooter.v1.RewardInfoResponse": roundTrip(RewardInfoResponse.self),
            "zooter.v1.RouteBatchRequest": roundTrip(RouteBatchRequest.self), "zooter.v1.RouteBatchResponse": roundTrip(RouteBatchResponse.self),
            "zooter.v1.RouteRequest": roundTrip(RouteRequest.self), "zooter.v1.RouteResponse": roundTrip(RouteResponse.self),
            "zooter.v1.ScorePair": roundTrip(ScorePair.self), "zooter.v1.ScoreRequest": roundTrip(ScoreRequest.self),
            "zooter.v1.ScoreResponse": roundTrip(ScoreResponse.self), "zooter.v1.ScoredPair": roundTrip(ScoredPair.self),
            "zooter.v1.ScoredTag": roundTrip(ScoredTag.self), "zooter.v1.TagQuery": roundTrip(TagQuery.self),
            "zooter.v1.TagRequest": roundTrip(TagRequest.self), "zooter.v1.TagResponse": roundTrip(TagResponse.self),
            "zooter.v1.TaggerInfoRequest": roundTrip(TaggerInfoRequest.self), "zooter.v1.TaggerInfoResponse": roundTrip(TaggerInfoResponse.self),
            "zooter.v1.TaxonomyTag": roundTrip(TaxonomyTag.self),
            "grpc.health.v1.HealthCheckRequest": roundTrip(HealthCheckRequest.self),
            "grpc.health.v1.HealthCheckResponse": roundTrip(HealthCheckResponse.self),
        ]
    }()

    /// Walks the descriptors of every message and sets every field (one variant per oneof
    /// member), printing "full.Name#variant hex" lines.
    static let everyFieldScript = #"""
        import sys
        sys.path.insert(0, sys.argv[1])
        from google.protobuf.descriptor import FieldDescriptor as F
        from zooter.v1 import artifact_pb2, common_pb2, reward_pb2, router_pb2, tagger_pb2
        import health_pb2
        def scalar(f):
            if f.type == F.TYPE_STRING: return "sé"
            if f.type == F.TYPE_BYTES: return bytes([1, 255])
            if f.type == F.TYPE_BOOL: return True
            if f.type in (F.TYPE_DOUBLE, F.TYPE_FLOAT): return 0.5
            if f.type == F.TYPE_ENUM: return f.enum_type.values[-1].number
            return 7
        def fill(msg, depth, skip=()):
            for f in msg.DESCRIPTOR.fields:
                if f.containing_oneof is not None and f.name in skip: continue
                if f.message_type is not None and f.message_type.GetOptions().map_entry:
                    value_field = f.message_type.fields_by_name["value"]
                    getattr(msg, f.name)["k"] = scalar(value_field)
                elif (f.is_repeated if hasattr(f, "is_repeated") else f.label == F.LABEL_REPEATED):
                    if f.message_type is not None:
                        if depth < 3: fill(getattr(msg, f.name).add(), depth + 1)
                    else: getattr(msg, f.name).append(scalar(f))
                elif f.message_type is not None:
                    if depth < 3: fill(getattr(msg, f.name), depth + 1)
                else: setattr(msg, f.name, scalar(f))
        for module in (common_pb2, artifact_pb2, router_pb2, reward_pb2, tagger_pb2, health_pb2):
            for descriptor in module.DESCRIPTOR.message_types_by_name.values():
                cls = getattr(module, descriptor.name)
                oneof_members = [f.name for o in descriptor.oneofs for f in o.fields]
                variants = [()] if not oneof_members else [tuple(n for n in oneof_members if n != keep) for keep in oneof_members]
                for i, skip in enumerate(variants):
                    msg = cls()
                    fill(msg, 0, skip)
                    print(descriptor.full_name + "#" + str(i), msg.SerializeToString(deterministic=True).hex())
        """#

    @Test func everyFieldOfEveryMessageSurvivesOurDecodeAndEncode() async throws {
        let output = try await runWithGeneratedModules(Self.everyFieldScript)
        var seen: Set<String> = []
        for line in output.split(separator: "\n") {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            let name = String(parts[0].prefix { $0 != "#" })
            seen.insert(name)
            let bytes = try #require(hexBytes(parts.count > 1 ? String(parts[1]) : ""))
            let roundTrip = try #require(Self.registry[name], "\(name) has no Swift type in the registry")
            #expect(try roundTrip(bytes) == bytes, "\(parts[0]): a field is lost or changed by our decode/encode")
        }
        #expect(seen == Set(Self.registry.keys), "messages in the protos vs the registry")
    }

    /// Generates Python classes from Protos/ into a temporary folder and runs `script` with that
    /// folder as its first argument; returns what it printed.
    private func runWithGeneratedModules(_ script: String) async throws -> String {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-wire-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: temp) }
        let protos = Self.packageRoot.appendingPathComponent("Protos").path
        let zooter = ["common", "artifact", "router", "reward", "tagger"].map { "\(protos)/zooter/v1/\($0).proto" }
        _ = try await run(["python3", "-m", "grpc_tools.protoc", "-I", protos, "--python_out=\(temp.path)"] + zooter)
        // health goes to the top level: a generated "grpc" package would shadow grpcio's.
        _ = try await run([
            "python3", "-m", "grpc_tools.protoc", "-I", "\(protos)/grpc/health/v1", "--python_out=\(temp.path)",
            "\(protos)/grpc/health/v1/health.proto",
        ])
        return try await run(["python3", "-c", script, temp.path])
    }

    private func run(_ arguments: [String]) async throws -> String {
        let run = try await ChildProcess.run("/usr/bin/env", arguments)
        try #require(
            run.status == 0,
            "\(arguments.prefix(3).joined(separator: " ")) failed (needs python3 with grpcio-tools; set ZOOTER_SKIP_PYTHON_INTEROP=1 to skip): \(run.standardError)"
        )
        return run.output
    }
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

private func hexBytes(_ hex: String) -> [UInt8]? {
    let digits = Array(hex.utf8)
    guard digits.count % 2 == 0 else { return nil }
    var bytes: [UInt8] = []
    for i in stride(from: 0, to: digits.count, by: 2) {
        guard let byte = UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) else { return nil }
        bytes.append(byte)
    }
    return bytes
}
