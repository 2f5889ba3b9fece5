/// The methods a server serves, looked up by `:path` on every request.
struct MethodTable: Sendable {
    let methods: [String: RPCMethod]
    let services: Set<Substring>

    init(_ methods: [RPCMethod]) {
        var table: [String: RPCMethod] = [:]
        for method in methods { table[method.path] = method }
        self.methods = table
        self.services = Set(methods.map(\.serviceName))
    }

    /// The method for `path`, or the UNIMPLEMENTED error a caller should see.
    func lookup(_ path: String) -> Result<RPCMethod, RPCError> {
        if let method = methods[path] { return .success(method) }
        let service = path.dropFirst().prefix(while: { $0 != "/" })
        if services.contains(service) {
            return .failure(RPCError(code: .unimplemented, message: "unknown method \(echo(path)): service \(echo(service)) has no such method"))
        }
        return .failure(RPCError(code: .unimplemented, message: "unknown service \(echo(service)) (path \(echo(path))); check the package and service name"))
    }
}
