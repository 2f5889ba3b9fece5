import Testing
@testable import ZooterServiceKit
import ZooterRPC
import ZooterWire

/// Server reflection answers from the index `scripts/gen-protos` writes: listing, files with
/// their imports, symbols, and NOT_FOUND for what the protos do not define.
@Suite struct ReflectionServiceTests {
    let reflection: ReflectionService

    init() throws {
        let served: [RPCMethod] = HealthService(services: ["zooter.v1.Router"]).methods
            + [.unary("/zooter.v1.Router/Route") { request, _ in request }]
        reflection = try ReflectionService(serving: served)
    }

    @Test func listsTheServicesItServes() {
        #expect(reflection.answer(ServerReflectionRequest(question: .listServices("*"))).answer
                == .services(["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "zooter.v1.Router"]))
    }

    @Test func aFileComesWithEverythingItImports() throws {
        guard case .fileDescriptors(let files)? = reflection.answer(ServerReflectionRequest(question: .fileByFilename("zooter/v1/router.proto"))).answer else {
            Issue.record("no descriptors"); return
        }
        // router.proto imports artifact.proto and common.proto; each descriptor names its file.
        #expect(files.count == 3)
        let names = files.map { String(decoding: $0.prefix(40), as: UTF8.self) }
        #expect(names[0].contains("zooter/v1/router.proto"))
        #expect(names.contains { $0.contains("zooter/v1/common.proto") } && names.contains { $0.contains("zooter/v1/artifact.proto") })
    }

    @Test func symbolsResolveToTheirFileAndUnknownOnesAreNotFound() {
        let method = reflection.answer(ServerReflectionRequest(question: .fileContainingSymbol("zooter.v1.Router.Route")))
        if case .fileDescriptors(let files)? = method.answer { #expect(!files.isEmpty) } else { Issue.record("\(method)") }
        let nested = reflection.answer(ServerReflectionRequest(question: .fileContainingSymbol("grpc.health.v1.HealthCheckResponse.ServingStatus")))
        if case .fileDescriptors(let files)? = nested.answer { #expect(files.count == 1) } else { Issue.record("\(nested)") }
        let unknown = reflection.answer(ServerReflectionRequest(host: "h", question: .fileContainingSymbol("no.Such")))
        #expect(unknown.answer == .error(code: Int32(StatusCode.notFound.rawValue), message: "no symbol 'no.Such'"))
        #expect(unknown.validHost == "h" && unknown.originalRequest?.question == .fileContainingSymbol("no.Such"))
    }

    @Test func responsesSurviveTheWire() throws {
        let response = reflection.answer(ServerReflectionRequest(question: .fileByFilename("grpc/health/v1/health.proto")))
        #expect(try ServerReflectionResponse(wireBytes: response.wireBytes()) == response)
        let list = reflection.answer(ServerReflectionRequest(question: .listServices("")))
        #expect(try ServerReflectionResponse(wireBytes: list.wireBytes()) == list)
    }
}
