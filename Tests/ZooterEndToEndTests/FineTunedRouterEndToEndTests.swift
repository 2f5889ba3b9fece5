import Foundation
import Testing
import ZooterTestSupport
import ZooterCore
import ZooterRPC
@testable import ZooterRouter
import ZooterWire

/// A fine-tuned encoder end to end: `train --finetune-layers` publishes it (or says why not) and
/// pushes by path; the router loads encoder and head as one model, routes with that encoder, and
/// refuses a corrupt, escaping or inline one while the model before keeps serving.
@Suite(.serialized, .timeLimit(.minutes(15))) struct FineTunedRouterEndToEndTests: ServiceCalls {
    static let model = ServiceProcess.root.appendingPathComponent("models/all-MiniLM-L6-v2")
    static let dataset = ServiceProcess.root.appendingPathComponent("data/mmlu-pro-sample")
    static let token = "e2e-finetune-0123456789abcdef"

    @Test func theFineTunedEncoderTravelsWithItsHeadAndIsValidatedBeforeTheSwap() async throws {
        let fm = FileManager.default
        let work = fm.temporaryDirectory.appendingPathComponent("zooter-finetune-\(UUID().uuidString)")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }
        let tokenFile = work.appendingPathComponent("admin-token")
        try Self.token.write(to: tokenFile, atomically: true, encoding: .utf8)
        let root = work.appendingPathComponent("artifacts")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        let modelArg = ["--model", Self.model.path]
        let router = try ServiceProcess("zooter-router", ["--port", "0", "--admin-token-file", tokenFile.path,
                                                          "--artifact-root", root.path] + modelArg)
        defer { router.kill(SIGTERM) }
        let port = try await router.port()
        let client = try GRPCClient(target: "127.0.0.1:\(port)")
        var admin = Metadata()
        admin.add("authorization", "Bearer \(Self.token)")

        // 1. The trainer fine-tunes the top layer, publishes into the router's artifact root and
        //    pushes by path.
        let trainer = try ServiceProcess("zooter-trainer", [
            "train", "--dataset", Self.dataset.path, "--out", root.path, "--limit", "160", "--folds", "2", "--seeds", "1",
            "--finetune-layers", "1", "--finetune-epochs", "2", "--finetune-max-tokens", "48",
            "--router", "127.0.0.1:\(port)", "--admin-token-file", tokenFile.path,
            "--cache", work.appendingPathComponent("cache").path] + modelArg)
        #expect(await trainer.wait() == 0, "\(trainer.output)")
        #expect(trainer.output.contains("epoch 0: validation reward") && trainer.output.contains("epoch 1: validation reward"), "\(trainer.output)")
        let current = root.appendingPathComponent("current")
        let trained = try ModelManifest(wireBytes: Array(Data(contentsOf: current.appendingPathComponent("manifest.binpb"))))
        let base = try TextEncoder(modelDirectory: Self.model, threads: 2)
        let info: ModelInfoResponse = try await call(client, "/zooter.v1.Router/ModelInfo", ModelInfoRequest())
        #expect(info.manifest?.modelVersion == trained.modelVersion)
        if trained.encoderPath.isEmpty {
            // No epoch helped on this data: said, and the frozen encoder serves.
            #expect(trainer.output.contains("keeps the frozen encoder"), "\(trainer.output)")
            #expect(info.encoder?.sha256 == base.identity.weightsSHA256)
        } else {
            #expect(trainer.output.contains("brings its fine-tuned encoder"), "\(trainer.output)")
            let weights = try Data(contentsOf: current.appendingPathComponent("\(trained.encoderPath)/model.safetensors"))
            #expect(SHA256.hex(weights) == trained.encoderSHA256)
            #expect(info.encoder?.sha256 == trained.encoderSHA256 && trained.encoderSHA256 != base.identity.weightsSHA256)
        }

        // 2. An artifact whose encoder certainly differs from the router's: the trained head with
        //    the top layer's output projection scaled.
        var parameters = try EncoderParameters(modelDirectory: Self.model)
        let name = try #require(parameters.tensors.keys.first { $0.hasSuffix("encoder.layer.5.output.dense.weight") })
        parameters.tensors[name] = parameters.tensors[name]!.map { $0 * 1.5 }
        let weights = FineTunedModelFolder.weights(parameters)
        let handmade = root.appendingPathComponent("handmade")
        try fm.createDirectory(at: handmade, withIntermediateDirectories: true)
        try FineTunedModelFolder.write(weights: weights, base: Self.model, to: handmade.appendingPathComponent("encoder"))
        try fm.copyItem(at: current.appendingPathComponent("head.safetensors"), to: handmade.appendingPathComponent("head.safetensors"))
        var manifest = trained
        manifest.modelVersion = "handmade-1"
        manifest.encoderPath = "encoder"
        manifest.encoderSHA256 = SHA256.hex(weights)
        try Data(manifest.wireBytes()).write(to: handmade.appendingPathComponent("manifest.binpb"))
        let loaded: LoadModelResponse = try await call(client, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifactPath("handmade")), metadata: admin)
        #expect(loaded.modelVersion == "handmade-1")
        let handmadeInfo: ModelInfoResponse = try await call(client, "/zooter.v1.Router/ModelInfo", ModelInfoRequest())
        #expect(handmadeInfo.encoder?.sha256 == SHA256.hex(weights))

        // The router's answers are the artifact's encoder + head run in-process, and not what the
        // router's own encoder would give.
        let local = try RoutingModel.load(directory: handmade, encoder: base)
        let fineTunedEncoder = try #require(local.encoder)
        let queries = ["What is the derivative of x^3?", "Which enzyme unwinds DNA during replication?", "Explain the law of demand."]
        let tuned = local.head.probabilities(try fineTunedEncoder.embed(queries))
        let frozen = local.head.probabilities(try base.embed(queries))
        var largestShift: Float = 0
        for (row, query) in queries.enumerated() {
            let answer: RouteResponse = try await call(client, "/zooter.v1.Router/Route", RouteRequest(query: query))
            #expect(answer.modelVersion == "handmade-1")
            for scored in answer.ranked {
                let index = try #require(manifest.experts.firstIndex { $0.name == scored.expert })
                #expect(abs(scored.probability - Double(tuned[row, index])) < 1e-5, "\(scored.expert)")
                largestShift = max(largestShift, abs(tuned[row, index] - frozen[row, index]))
            }
        }
        #expect(largestShift > 1e-3, "the scaled layer must change the probabilities")

        // 3. Refused before the swap; the handmade model keeps serving.
        let corrupt = root.appendingPathComponent("corrupt")
        try fm.copyItem(at: handmade, to: corrupt)
        let corruptWeights = corrupt.appendingPathComponent("encoder/model.safetensors")
        var bytes = try Data(contentsOf: corruptWeights)
        bytes[bytes.count - 5] ^= 0x40
        try bytes.write(to: corruptWeights)
        await expectStatus(.dataLoss) { let _: LoadModelResponse = try await call(client, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifactPath("corrupt")), metadata: admin) }
        let escaping = root.appendingPathComponent("escaping")
        try fm.createDirectory(at: escaping, withIntermediateDirectories: true)
        try fm.copyItem(at: handmade.appendingPathComponent("head.safetensors"), to: escaping.appendingPathComponent("head.safetensors"))
        var escapingManifest = manifest
        escapingManifest.encoderPath = "../handmade/encoder"
        try Data(escapingManifest.wireBytes()).write(to: escaping.appendingPathComponent("manifest.binpb"))
        await expectStatus(.failedPrecondition) { let _: LoadModelResponse = try await call(client, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifactPath("escaping")), metadata: admin) }
        let inline = ModelArtifact(manifest: manifest, headSafetensors: Array(try Data(contentsOf: handmade.appendingPathComponent("head.safetensors"))))
        await expectStatus(.failedPrecondition) { let _: LoadModelResponse = try await call(client, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifact(inline)), metadata: admin) }
        let after: RouteResponse = try await call(client, "/zooter.v1.Router/Route", RouteRequest(query: queries[0]))
        #expect(after.modelVersion == "handmade-1")

        // `--finetune` is the whole encoder; with `--finetune-layers` too it is refused before any work.
        let both = try await ChildProcess.run(ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path, [
            "evaluate", "--dataset", Self.dataset.path, "--finetune", "--finetune-layers", "2"])
        #expect(both.status == 64 && both.standardError.contains("--finetune trains every layer"), "\(both)")

        // 4. Back to the trained artifact by path: its encoder (fine-tuned or the router's own) serves again.
        let back: LoadModelResponse = try await call(client, "/zooter.v1.Router/LoadModel", LoadModelRequest(source: .artifactPath("current")), metadata: admin)
        #expect(back.modelVersion == trained.modelVersion && back.previousModelVersion == "handmade-1")
        await client.close()
        router.kill(SIGTERM)
        #expect(await router.wait() == 0)
    }
}
