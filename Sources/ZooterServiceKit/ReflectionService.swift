import Foundation
public import ZooterRPC
import ZooterWire

/// gRPC server reflection (`grpc.reflection.v1`), so grpcurl, Postman and the grpcio reflection
/// client can list a service's methods and call them without the `.proto` files. It answers
/// from the index `scripts/gen-protos` builds from `Protos/` (checked in CI like the generated
/// C): each file's descriptor and which file defines each symbol. Every question is a lookup in
/// memory, answered on the event loop as it arrives.
public struct ReflectionService: Sendable {
    public static let serviceName = "grpc.reflection.v1.ServerReflection"
    /// The same protocol under its pre-release name, which some clients (grpcio's Python
    /// reflection client among them) still call; same messages, same answers.
    static let paths = ["/\(serviceName)/ServerReflectionInfo", "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo"]

    private struct Index: Decodable {
        struct File: Decodable {
            var descriptor: String
            var dependencies: [String]
        }
        var files: [String: File]
        var symbols: [String: String]
    }

    private struct File: Sendable {
        var descriptor: [UInt8]
        var dependencies: [String]
    }
    private let files: [String: File]
    private let symbols: [String: String]
    /// The services of this server that the index describes, reflection included, sorted.
    public let services: [String]

    /// Reflection for a server serving `methods`.
    public init(serving methods: [RPCMethod]) throws(ServiceError) {
        guard let url = Bundle.module.url(forResource: "reflection", withExtension: "json") else {
            throw .configuration("the reflection index reflection.json is missing from the service's resources")
        }
        let index: Index
        do {
            index = try JSONDecoder().decode(Index.self, from: Data(contentsOf: url))
        } catch {
            throw .configuration("the reflection index \(url.path) is not readable: \(error)", cause: error)
        }
        var files: [String: File] = [:]
        for (name, file) in index.files {
            guard let descriptor = Data(base64Encoded: file.descriptor) else {
                throw .configuration("the reflection index has an invalid descriptor for \(name)")
            }
            files[name] = File(descriptor: Array(descriptor), dependencies: file.dependencies)
        }
        self.files = files
        self.symbols = index.symbols
        // The pre-release alias is served but not listed: the index describes v1 only.
        let served = Set(methods.map(\.path).map { String($0.dropFirst().prefix { $0 != "/" }) } + [Self.serviceName])
        self.services = served.filter { index.symbols[$0] != nil }.sorted()
    }

    /// `methods` with reflection describing them added: what every Zooter service serves.
    public static func adding(to methods: [RPCMethod]) throws(ServiceError) -> [RPCMethod] {
        methods + (try ReflectionService(serving: methods)).methods
    }

    public var methods: [RPCMethod] {
        Self.paths.map { path in
            .inlineConversation(path) { bytes, _ in
                let request: ServerReflectionRequest
                do { request = try ServerReflectionRequest(wireBytes: bytes) } catch {
                    throw RPCError(code: .invalidArgument, message: "not a ServerReflectionRequest: \(error)")
                }
                return [answer(request).wireBytes()]
            }
        }
    }

    /// The response to one reflection request.
    func answer(_ request: ServerReflectionRequest) -> ServerReflectionResponse {
        var response = ServerReflectionResponse(validHost: request.host, originalRequest: request)
        switch request.question {
        case .listServices:
            response.answer = .services(services)
        case .fileByFilename(let name):
            response.answer = files[name] == nil
                ? .error(code: Int32(StatusCode.notFound.rawValue), message: "no file named '\(RPCError.quote(name))'")
                : .fileDescriptors(descriptors(from: name))
        case .fileContainingSymbol(let symbol):
            response.answer = symbols[symbol].map { .fileDescriptors(descriptors(from: $0)) }
                ?? .error(code: Int32(StatusCode.notFound.rawValue), message: "no symbol '\(RPCError.quote(symbol))'")
        case .fileContainingExtension(let request):
            response.answer = .error(code: Int32(StatusCode.notFound.rawValue),
                                     message: "no extension \(request.extensionNumber) of '\(RPCError.quote(request.containingType))': these protos define no extensions")
        case .allExtensionNumbersOfType(let type):
            response.answer = symbols[type] == nil
                ? .error(code: Int32(StatusCode.notFound.rawValue), message: "no type '\(RPCError.quote(type))'")
                : .extensionNumbers(baseTypeName: type, numbers: [])
        case nil:
            response.answer = .error(code: Int32(StatusCode.invalidArgument.rawValue), message: "the request asks nothing")
        }
        return response
    }

    /// A file's descriptor followed by those of everything it imports, each once.
    private func descriptors(from name: String) -> [[UInt8]] {
        var order: [String] = [], pending = [name], seen: Set<String> = []
        while let next = pending.popLast() {
            guard seen.insert(next).inserted, let file = files[next] else { continue }
            order.append(next)
            pending += file.dependencies.reversed()
        }
        return order.compactMap { files[$0]?.descriptor }
    }
}
