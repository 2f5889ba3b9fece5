import Foundation
import Testing
import ZooterClient
import ZooterTestSupport

/// The README's "Calling the router from another service": each example (Swift through the
/// `ZooterClient` library, Python through grpcio, bare curl, the health probe, and a client that
/// knows the router only through gRPC server reflection) runs against a live router and reaches
/// the decision `RouterClient` gets; the README shows the files verbatim.
@Suite(.serialized, .timeLimit(.minutes(4))) struct ClientExamplesTests {
    static let root = ServiceProcess.root
    static let query = "Prove that the square root of 2 is irrational."

    @Test func everyExampleRoutesAgainstALiveRouter() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-examples-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let train = try await ChildProcess.run(
            ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path,
            ["train", "--dataset", Self.root.appendingPathComponent("data/mmlu-pro-sample").path, "--out", work.appendingPathComponent("model").path,
             "--limit", "80", "--folds", "2", "--seeds", "1", "--cache", work.appendingPathComponent("cache").path])
        try #require(train.status == 0, "train: \(train.output)\(train.standardError)")
        let router = try ServiceProcess("zooter-router", ["--port", "0", "--artifact-root", work.appendingPathComponent("model").path])
        defer { router.kill(SIGTERM) }
        let target = "127.0.0.1:\(try await router.port())"
        let expected = try await RouterClient.with(target: target) { try await $0.route(Self.query) }

        let swift = try await ChildProcess.run(ServiceProcess.binDirectory.appendingPathComponent("zooter-example-route").path, [target])
        #expect(swift.status == 0 && swift.output.contains("router: serving"), "\(swift.output)\(swift.standardError)")
        #expect(swift.output.contains("chosen: \(expected.chosen) model: \(expected.modelVersion)"), "\(swift.output)")

        let generated = work.appendingPathComponent("gen")
        try FileManager.default.createDirectory(at: generated, withIntermediateDirectories: true)
        let protoc = try await ChildProcess.run("/usr/bin/env", ["python3", "-m", "grpc_tools.protoc", "-I", Self.root.appendingPathComponent("Protos").path,
                                                                 "--python_out=\(generated.path)", "--grpc_python_out=\(generated.path)",
                                                                 "zooter/v1/router.proto", "zooter/v1/artifact.proto", "zooter/v1/common.proto"])
        try #require(protoc.status == 0, "grpc_tools.protoc: \(protoc.standardError)")
        let python = try await ChildProcess.run("/usr/bin/env", ["python3", Self.root.appendingPathComponent("Examples/python/route.py").path, target],
                                                environment: ProcessInfo.processInfo.environment.merging(["PYTHONPATH": generated.path]) { $1 })
        #expect(python.status == 0 && python.output.contains("router: SERVING"), "\(python.output)\(python.standardError)")
        #expect(python.output.contains("chosen: \(expected.chosen) model: \(expected.modelVersion)"), "\(python.output)")

        let curl = try await ChildProcess.run(Self.root.appendingPathComponent("Examples/route-with-curl.sh").path, [target, Self.query])
        #expect(curl.status == 0 && curl.output.contains("grpc-status: 0"), "\(curl.output)\(curl.standardError)")
        #expect(curl.output.contains("2: \"\(expected.chosen)\"") && curl.output.contains("3: \"\(expected.modelVersion)\""), "\(curl.output)")

        let health = try await ChildProcess.run(ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path,
                                                ["health", "--target", target, "--service", "zooter.v1.Router"])
        #expect(health.status == 0, "\(health.output)")

        // Server reflection, through grpcio's reflection client: the services, the Router's
        // methods, and a Route call made from the descriptors reflection returned.
        struct Reflected: Decodable {
            var services: [String]
            var methods: [String]
            var chosen: String
            var model_version: String
            var unknown: String
        }
        let reflection = try await ChildProcess.run("/usr/bin/env", ["python3", Self.root.appendingPathComponent("Tests/Interop/grpcio_reflection.py").path,
                                                                     target, Self.query])
        try #require(reflection.status == 0, "grpcio reflection client: \(reflection.standardError)")
        let reflected = try JSONDecoder().decode(Reflected.self, from: Data(reflection.output.utf8))
        #expect(reflected.services == ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "zooter.v1.Router"])
        #expect(reflected.methods == ["Route", "RouteBatch", "LoadModel", "ModelInfo"])
        #expect(reflected.chosen == expected.chosen && reflected.model_version == expected.modelVersion)
        #expect(reflected.unknown == "KeyError")
    }

    @Test func theReadmeShowsEveryExampleAsItIs() throws {
        let readme = try String(contentsOf: Self.root.appendingPathComponent("README.md"), encoding: .utf8)
        for file in ["Examples/swift-route/main.swift", "Examples/python/route.py", "Examples/route-with-curl.sh"] {
            let text = try String(contentsOf: Self.root.appendingPathComponent(file), encoding: .utf8)
            #expect(readme.contains(text), "README.md does not show \(file) as it is")
        }
    }
}
