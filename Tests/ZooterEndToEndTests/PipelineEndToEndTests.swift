import Foundation
import Testing
import ZooterTestSupport
import ZooterCore
import ZooterRPC
@testable import ZooterRouter
import ZooterWire

/// The whole product on one machine: tagger, two reward replicas and the router as separate
/// processes on 127.0.0.1:0; the trainer rescoring through both replicas while one is killed;
/// the artifact pushed to the router; Route called from Python grpcio and checked against the
/// same model run in-process; a corrupt artifact rejected while the old model keeps serving.
@Suite(.serialized, .timeLimit(.minutes(20))) struct PipelineEndToEndTests: ServiceCalls {
    /// The rescoring slice shipped in the repository: every row has all 8 experts' responses.
    static let dataset = ServiceProcess.root.appendingPathComponent("data/mmlu-pro-rescoring")
    static let experts = 8
    static let model = ServiceProcess.root.appendingPathComponent("models/all-MiniLM-L6-v2")
    static let limit = 24
    static let token = "e2e-secret-0123456789abcdef"

    @Test func trainThroughServicesWithAKilledReplicaAndServe() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let modelArg = ["--model", Self.model.path]
        // The token travels in a file, never in argv (where `ps` shows it).
        let tokenFile = work.appendingPathComponent("admin-token")
        try Self.token.write(to: tokenFile, atomically: true, encoding: .utf8)
        let artifactRoot = work.appendingPathComponent("artifact-root")
        try FileManager.default.createDirectory(at: artifactRoot, withIntermediateDirectories: true)

        // The reward model the replicas serve.
        let fit = try ServiceProcess("zooter-trainer", ["train-reward", "--dataset", Self.dataset.path, "--out",
                                                        work.appendingPathComponent("reward").path, "--limit", "24", "--epochs", "4"] + modelArg)
        #expect(await fit.wait() == 0, "\(fit.output)")

        let tagger = try ServiceProcess("zooter-tagger", ["--port", "0"] + modelArg)
        let rewardA = try ServiceProcess("zooter-reward", ["--port", "0", "--scorer", work.appendingPathComponent("reward").path, "--max-batch", "8"] + modelArg, name: "reward-a")
        let rewardB = try ServiceProcess("zooter-reward", ["--port", "0", "--scorer", work.appendingPathComponent("reward").path, "--max-batch", "8"] + modelArg, name: "reward-b")
        let router = try ServiceProcess("zooter-router", ["--port", "0", "--admin-token-file", tokenFile.path,
                                                          "--artifact-root", artifactRoot.path] + modelArg)
        let services = [tagger, rewardA, rewardB, router]
        defer { services.forEach { $0.kill(SIGTERM) } }
        let (taggerPort, portA, portB, routerPort) = (try await tagger.port(), try await rewardA.port(), try await rewardB.port(), try await router.port())
        let routerClient = try GRPCClient(target: "127.0.0.1:\(routerPort)")

        // Before any model: UNAVAILABLE with a message saying what to do.
        await expectStatus(.unavailable) { let _: RouteResponse = try await call(routerClient, "/zooter.v1.Router/Route", RouteRequest(query: "hi")) }

        // Train, rescoring through both replicas; kill replica B once scoring is under way.
        let out = work.appendingPathComponent("artifact")
        let journal = out.appendingPathComponent("scores.journal")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let trainer = try ServiceProcess("zooter-trainer", [
            "train", "--dataset", Self.dataset.path, "--out", out.path, "--limit", String(Self.limit), "--folds", "3", "--seeds", "1",
            "--tagger", "127.0.0.1:\(taggerPort)", "--reward", "127.0.0.1:\(portA),127.0.0.1:\(portB)", "--rescore",
            "--router", "127.0.0.1:\(routerPort)", "--admin-token-file", tokenFile.path,
            "--cache", work.appendingPathComponent("cache").path] + modelArg)
        // Kill B as soon as the first score is journaled: scoring is under way on both replicas.
        // (If the trainer dies first, its exit ends the wait and the checks below say why.)
        try await FileGrowth.waitUntilNotEmpty(journal, writerGone: { !trainer.isRunning })
        rewardB.kill(SIGKILL)
        let killedAfter = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").count
        #expect(await trainer.wait() == 0, "\(trainer.output)")
        #expect(killedAfter > 0 && killedAfter < Self.limit * Self.experts, "replica B was killed mid-run (after \(killedAfter) scores)")
        // No score lost: every (query, expert) is in the journal exactly once.
        let entries = try String(contentsOf: journal, encoding: .utf8).split(separator: "\n")
        #expect(entries.count == Self.limit * Self.experts)
        #expect(Set(entries.map { line in
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return "\(object?["id"] ?? "")|\(object?["expert"] ?? "")"
        }).count == Self.limit * Self.experts)

        // The artifact is published as versions/<v> with `current` pointing at it.
        let current = out.appendingPathComponent("current")
        // One dataset identity: the report and the manifest name the same files and selection.
        let reportJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: current.appendingPathComponent("report.json"))) as? [String: Any])
        let fingerprint = try #require((reportJSON["dataset"] as? [String: Any])?["fingerprint"] as? String)
        let manifestJSON = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: current.appendingPathComponent("manifest.json"))) as? [String: String])
        #expect(fingerprint == "sha256:\(manifestJSON["dataset_sha256"] ?? "?") (first \(Self.limit))")
        #expect(manifestJSON["dataset_selection"] == "first \(Self.limit)")
        #expect(try String(contentsOf: out.appendingPathComponent("scores.journal.meta"), encoding: .utf8)
            .contains("dataset-sha256=\(manifestJSON["dataset_sha256"] ?? "?")"))

        // The router now serves the pushed model; grpcio's answers equal the in-process router's.
        let info: ModelInfoResponse = try await call(routerClient, "/zooter.v1.Router/ModelInfo", ModelInfoRequest())
        let version = try #require(info.manifest?.modelVersion)
        #expect(info.loaded)
        let encoder = try TextEncoder(modelDirectory: Self.model, threads: 2)
        let local = try RoutingModel.load(directory: current, encoder: encoder)
        #expect(local.manifest.modelVersion == version)
        let queries = ["Write a haiku about the sea", "What is the derivative of x^2?", "Explain TCP slow start", "Give me a packing list for Iceland"]
        let python = try await ChildProcess.run("/usr/bin/env", [
            "python3", ServiceProcess.root.appendingPathComponent("Tests/Interop/grpcio_route.py").path,
            "--port", String(routerPort), String(decoding: try JSONEncoder().encode(queries), as: UTF8.self)])
        try #require(python.status == 0, "\(python.standardError)")
        let answerData = Data(python.output.utf8)
        let answers = try #require(try JSONSerialization.jsonObject(with: answerData) as? [[String: Any]])
        let probabilities = local.head.probabilities(try encoder.embed(queries))
        for (index, query) in queries.enumerated() {
            let expected = local.answer(RouteRequest(query: query), probabilities: probabilities.row(index))
            #expect(answers[index]["chosen"] as? String == expected.chosen)
            // Evaluation's choice (RoutingPolicy, as `evaluate` and the trainer's report use it) is the router's.
            let policy = RoutingPolicy(threshold: Float(local.manifest.confidenceThreshold), fallbackExpert: local.fallbackIndex ?? 0)
            let evaluated = policy.choose(Matrix(rows: 1, columns: local.manifest.experts.count, values: Array(probabilities.row(index))))
            #expect(local.manifest.experts[evaluated[0]].name == expected.chosen)
            #expect(answers[index]["model_version"] as? String == version)
            let ranked = try #require(answers[index]["ranked"] as? [[Any]])
            #expect(ranked.map { $0[0] as? String } == expected.ranked.map(\.expert))
            for (remote, mine) in zip(ranked, expected.ranked) {
                #expect(abs((remote[1] as? Double ?? -1) - mine.probability) < 1e-5)
            }
        }

        // Admin calls need the token.
        let artifact = ModelArtifact(manifest: local.manifest, headSafetensors: Array(try Data(contentsOf: current.appendingPathComponent("head.safetensors"))))
        await expectStatus(.unauthenticated) { let _: LoadModelResponse = try await call(routerClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifact(artifact))) }
        var wrong = Metadata(); wrong.add("authorization", "Bearer nope")
        await expectStatus(.permissionDenied) { let _: LoadModelResponse = try await call(routerClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifact(artifact)), metadata: wrong) }
        // Corrupt artifacts are rejected and the old model keeps answering.
        var admin = Metadata(); admin.add("authorization", "Bearer \(Self.token)")
        var corrupt = artifact
        corrupt.headSafetensors[corrupt.headSafetensors.count - 3] ^= 0xFF
        await expectStatus(.dataLoss) { let _: LoadModelResponse = try await call(routerClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifact(corrupt)), metadata: admin) }
        var otherEncoder = artifact
        otherEncoder.manifest?.encoderSHA256 = String(repeating: "0", count: 64)
        await expectStatus(.failedPrecondition) { let _: LoadModelResponse = try await call(routerClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifact(otherEncoder)), metadata: admin) }
        // artifact_path only inside --artifact-root: no escape by absolute path, "..", or symlink.
        let fm = FileManager.default
        try fm.copyItem(at: out, to: artifactRoot.appendingPathComponent("v1"))
        try fm.createSymbolicLink(at: artifactRoot.appendingPathComponent("escape"), withDestinationURL: out)
        for outside in [out.path, "../artifact", "escape", "/etc"] {
            await expectStatus(.permissionDenied) { let _: LoadModelResponse = try await call(routerClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifactPath(outside)), metadata: admin) }
        }
        await expectStatus(.notFound) { let _: LoadModelResponse = try await call(routerClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifactPath("missing")), metadata: admin) }
        let byPath: LoadModelResponse = try await call(routerClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifactPath("v1/current")), metadata: admin)
        #expect(byPath.modelVersion == version)
        var hostile = artifact
        hostile.manifest?.experts[0].endpoint = "file:///etc/passwd"
        await expectStatus(.invalidArgument) { let _: LoadModelResponse = try await call(routerClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifact(hostile)), metadata: admin) }
        // Admin refusals are logged with the peer (awaited: the log reaches us through a pipe).
        // (swift-log prints metadata before the message; either order matches.)
        _ = try await router.line(matching: #"admin: LoadModel refused[^\n]*peer=127\.0\.0\.1:|peer=127\.0\.0\.1:[^\n]*admin: LoadModel refused"#)
        let after: RouteResponse = try await call(routerClient, "/zooter.v1.Router/Route", RouteRequest(query: queries[0]))
        #expect(after.modelVersion == version)

        // Bad input on every service gets a status a caller can act on.
        await expectStatus(.invalidArgument) { let _: RouteResponse = try await call(routerClient, "/zooter.v1.Router/Route", RouteRequest(query: "   ")) }
        // Text caps (64 KiB per text): hostile sizes are refused before any tokenizing.
        let huge = String(repeating: "zq", count: 40_000)
        await expectStatus(.invalidArgument) { let _: RouteResponse = try await call(routerClient, "/zooter.v1.Router/Route", RouteRequest(query: huge)) }
        await expectStatus(.invalidArgument) { let _: RouteResponse = try await call(routerClient, "/zooter.v1.Router/Route", RouteRequest(query: "hi", allowedExperts: ["gpt-17"])) }
        await expectStatus(.invalidArgument) { let _: RouteResponse = try await call(routerClient, "/zooter.v1.Router/Route", RouteRequest(query: "hi", costWeight: -1)) }
        await expectStatus(.invalidArgument) { let _: RouteBatchResponse = try await call(routerClient, "/zooter.v1.Router/RouteBatch", RouteBatchRequest(requests: Array(repeating: RouteRequest(query: "x"), count: 257))) }
        await expectStatus(.invalidArgument) { _ = try await routerClient.unary(path: "/zooter.v1.Router/Route", request: [0x0A, 0x02, 0xC3, 0x28]) }
        let taggerClient = try GRPCClient(target: "127.0.0.1:\(taggerPort)")
        await expectStatus(.invalidArgument) { let _: TagResponse = try await call(taggerClient, "/zooter.v1.Tagger/Tag", TagRequest(queries: [TagQuery(query: "")])) }
        await expectStatus(.invalidArgument) { let _: TagResponse = try await call(taggerClient, "/zooter.v1.Tagger/Tag", TagRequest(queries: [TagQuery(query: huge)])) }
        await expectStatus(.invalidArgument) { let _: TagResponse = try await call(taggerClient, "/zooter.v1.Tagger/Tag", TagRequest(queries: Array(repeating: TagQuery(query: "x"), count: 257))) }
        let tagged: TagResponse = try await call(taggerClient, "/zooter.v1.Tagger/Tag", TagRequest(queries: [TagQuery(query: "Write a Python function to sort a list", givenTags: ["mine"])]))
        #expect(tagged.results.first?.tags.contains { $0.name == "mine" && $0.origin == .given } == true)
        #expect(tagged.results.first?.tags.contains { $0.name == "intent/coding" } == true, "\(tagged)")
        let rewardClient = try GRPCClient(target: "127.0.0.1:\(portA)")
        await expectStatus(.invalidArgument) { let _: ScoreResponse = try await call(rewardClient, "/zooter.v1.RewardScorer/Score", ScoreRequest(pairs: [ScorePair(id: "1", query: "", response: "x")])) }
        await expectStatus(.invalidArgument) { let _: ScoreResponse = try await call(rewardClient, "/zooter.v1.RewardScorer/Score", ScoreRequest(pairs: [ScorePair(id: "1", query: "q", response: huge)])) }
        await expectStatus(.invalidArgument) { let _: ScoreResponse = try await call(rewardClient, "/zooter.v1.RewardScorer/Score", ScoreRequest(pairs: Array(repeating: ScorePair(id: "1", query: "q", response: "r"), count: 257))) }
        let scored: ScoreResponse = try await call(rewardClient, "/zooter.v1.RewardScorer/Score", ScoreRequest(pairs: [ScorePair(id: "a", query: "q", response: "r")]))
        let again: ScoreResponse = try await call(rewardClient, "/zooter.v1.RewardScorer/Score", ScoreRequest(pairs: [ScorePair(id: "a", query: "q", response: "r")]))
        #expect(again.cacheHits == 1 && again.results.first?.reward == scored.results.first?.reward)
        for client in [routerClient, taggerClient, rewardClient] { await client.close() }

        // A second router, no token: it loads the artifact `current` names under its root (a newer,
        // broken folder is not preferred) and refuses LoadModel, since admin is closed by default.
        let broken = artifactRoot.appendingPathComponent("v2")
        try fm.createDirectory(at: broken, withIntermediateDirectories: true)
        try Data("not a manifest".utf8).write(to: broken.appendingPathComponent("manifest.binpb"))
        let second = try ServiceProcess("zooter-router", ["--port", "0", "--artifact-root", artifactRoot.path] + modelArg, name: "router-2")
        defer { second.kill(SIGTERM) }
        let secondClient = try GRPCClient(target: "127.0.0.1:\(try await second.port())")
        let secondInfo: ModelInfoResponse = try await call(secondClient, "/zooter.v1.Router/ModelInfo", ModelInfoRequest())
        #expect(secondInfo.manifest?.modelVersion == version, "\(second.output)")
        await expectStatus(.permissionDenied) { let _: LoadModelResponse = try await call(secondClient, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifact(artifact)), metadata: admin) }
        await secondClient.close()

        // SIGTERM: each service drains and exits 0.
        for service in [tagger, rewardA, router] {
            service.kill(SIGTERM)
            #expect(await service.wait() == 0, "\(service.name): \(service.output.suffix(500))")
        }
    }
}
