public import Foundation

/// A throwaway PKI made with the `openssl` command for TLS tests: two unrelated CAs, server
/// certificates for `localhost`/127.0.0.1 (valid, expired, and one from the second CA), and a
/// client certificate for mutual TLS. Each instance lives in its own temporary folder.
public struct TestCertificates: Sendable {
    public let folder: URL

    public func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// CA that issued `server`, `expired-server` and `client`.
    public var caCertificate: String { path("ca.crt") }
    /// A CA that issued only `other-server`.
    public var otherCACertificate: String { path("other-ca.crt") }
    public var serverCertificate: String { path("server.crt") }
    public var serverKey: String { path("server.key") }
    public var expiredServerCertificate: String { path("expired-server.crt") }
    public var otherServerCertificate: String { path("other-server.crt") }
    public var clientCertificate: String { path("client.crt") }
    public var clientKey: String { path("client.key") }

    public static func make() async throws -> TestCertificates {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let pki = TestCertificates(folder: folder)
        try await pki.makeCA("ca", name: "Zooter Test CA")
        try await pki.makeCA("other-ca", name: "Unrelated Test CA")
        try await pki.issue("server", by: "ca", name: "localhost", extensions: "server")
        try await pki.issue("other-server", by: "other-ca", name: "localhost", extensions: "server", key: "server")
        try await pki.issue("client", by: "ca", name: "zooter-trainer", extensions: "client")
        // Valid only in 2020: `openssl ca` is the command that takes explicit dates (OpenSSL 3.0's
        // `x509 -req` takes only -days).
        try write("", to: "index.txt")
        try write("1000\n", to: "serial")
        try await pki.openssl(["ca", "-batch", "-config", pki.path("openssl.cnf"), "-name", "test_ca",
                               "-cert", pki.path("ca.crt"), "-keyfile", pki.path("ca.key"), "-in", pki.path("server.csr"),
                               "-out", pki.path("expired-server.crt"), "-startdate", "20200101000000Z", "-enddate", "20200102000000Z",
                               "-extensions", "server", "-notext"])
        return pki

        func write(_ text: String, to name: String) throws {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }
    }

    private func makeCA(_ stem: String, name: String) async throws {
        try writeConfiguration()
        try await openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                           "-keyout", path("\(stem).key"), "-out", path("\(stem).crt"), "-subj", "/CN=\(name)", "-days", "2",
                           "-config", path("openssl.cnf"), "-extensions", "ca"])
    }

    private func issue(_ stem: String, by ca: String, name: String, extensions: String, key: String? = nil) async throws {
        if let key {
            try await openssl(["req", "-new", "-key", path("\(key).key"), "-out", path("\(stem).csr"), "-subj", "/CN=\(name)",
                               "-config", path("openssl.cnf")])
        } else {
            try await openssl(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("\(stem).key"),
                               "-out", path("\(stem).csr"), "-subj", "/CN=\(name)", "-config", path("openssl.cnf")])
        }
        try await openssl(["x509", "-req", "-in", path("\(stem).csr"), "-CA", path("\(ca).crt"), "-CAkey", path("\(ca).key"),
                           "-set_serial", String(Int.random(in: 1...(1 << 40))), "-days", "2", "-out", path("\(stem).crt"),
                           "-extfile", path("openssl.cnf"), "-extensions", extensions])
    }

    private func writeConfiguration() throws {
        let configuration = """
            [req]
            distinguished_name = dn
            [dn]
            [ca]
            basicConstraints = critical, CA:TRUE
            keyUsage = critical, keyCertSign, cRLSign
            [server]
            subjectAltName = DNS:localhost, IP:127.0.0.1
            extendedKeyUsage = serverAuth
            [client]
            extendedKeyUsage = clientAuth
            [test_ca]
            database = \(path("index.txt"))
            new_certs_dir = \(folder.path)
            serial = \(path("serial"))
            default_md = sha256
            policy = any
            [any]
            commonName = supplied

            """
        try Data(configuration.utf8).write(to: folder.appendingPathComponent("openssl.cnf"))
    }

    private func openssl(_ arguments: [String]) async throws {
        let run = try await ChildProcess.run("/usr/bin/openssl", arguments)
        guard run.status == 0 else {
            throw ChildProcess.Failure("openssl \(arguments.prefix(2).joined(separator: " ")) failed: \(run.standardError)")
        }
    }

    /// Removes the folder.
    public func remove() { try? FileManager.default.removeItem(at: folder) }
}
