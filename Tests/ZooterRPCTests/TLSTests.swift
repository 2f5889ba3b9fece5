import Foundation
import Glibc
import Testing
import ZooterRPC
import ZooterTestSupport

/// TLS and mutual TLS between our client and server, with certificates made by `openssl` for
/// each test: what must work works, and every way it must not work is refused with its reason.
@Suite(.timeLimit(.minutes(2))) struct TLSTests {
    static func serving(_ pki: TestCertificates, certificate: String? = nil, key: String? = nil,
                        clientCA: String? = nil) -> ServerConfiguration {
        var configuration = ServerConfiguration(eventLoopThreads: 1)
        configuration.tls = ServerTLS(certificateChainPath: certificate ?? pki.serverCertificate,
                                      privateKeyPath: key ?? pki.serverKey, clientCAPath: clientCA, reloadInterval: nil)
        return configuration
    }

    static func echo(_ target: String, _ tls: ClientTLS?, connectTimeout: Duration = .seconds(5)) async throws -> [UInt8] {
        let configuration = ClientConfiguration(connectTimeout: connectTimeout, reresolveInterval: nil, tls: tls)
        return try await GRPCClient.withClient(target: target, configuration: configuration) { client in
            try await client.unary(path: "/test.Echo/Echo", request: [4, 2], timeout: .seconds(30)).message
        }
    }

    /// The error an echo call fails with (nil if it succeeds).
    static func refusal(_ target: String, _ tls: ClientTLS?, connectTimeout: Duration = .seconds(5)) async -> RPCError? {
        do {
            _ = try await echo(target, tls, connectTimeout: connectTimeout)
            return nil
        } catch {
            return error as? RPCError ?? RPCError(code: .unknown, message: "\(error)")
        }
    }

    @Test func ourClientCallsOurServerOverTLS() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        try await withTestServer(echoMethods(), configuration: Self.serving(pki)) { _, port in
            // Checked against the certificate's IP address, then its DNS name (also sent as SNI).
            let echoed1 = try await Self.echo("127.0.0.1:\(port)", ClientTLS(caPath: pki.caCertificate))
            #expect(echoed1 == [4, 2])
            let echoed2 = try await Self.echo("localhost:\(port)", ClientTLS(caPath: pki.caCertificate))
            #expect(echoed2 == [4, 2])
        }
    }

    @Test func mutualTLSRequiresAClientCertificateFromTheCA() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        try await withTestServer(echoMethods(), configuration: Self.serving(pki, clientCA: pki.caCertificate)) { _, port in
            let target = "127.0.0.1:\(port)"
            let withCertificate = ClientTLS(caPath: pki.caCertificate, certificateChainPath: pki.clientCertificate, privateKeyPath: pki.clientKey)
            let echoed3 = try await Self.echo(target, withCertificate)
            #expect(echoed3 == [4, 2])

            let anonymous = await Self.refusal(target, ClientTLS(caPath: pki.caCertificate))
            #expect(anonymous?.code == .unavailable)
            #expect(anonymous?.message.contains("client certificate") == true, "\(String(describing: anonymous))")

            // A certificate the server's CA did not issue (the other CA's server certificate).
            let stranger = ClientTLS(caPath: pki.caCertificate, certificateChainPath: pki.otherServerCertificate, privateKeyPath: pki.serverKey)
            let refused = await Self.refusal(target, stranger)
            #expect(refused?.code == .unavailable, "\(String(describing: refused))")
        }
    }

    @Test func aServerCertificateFromAnotherCAIsRejected() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        try await withTestServer(echoMethods(), configuration: Self.serving(pki)) { _, port in
            let error = await Self.refusal("127.0.0.1:\(port)", ClientTLS(caPath: pki.otherCACertificate))
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("TLS handshake with 127.0.0.1:\(port) failed") == true, "\(String(describing: error))")
            #expect(error?.message.contains("was issued by 'Zooter Test CA', which is not a CA in the trusted bundle") == true, "\(String(describing: error))")
        }
    }

    @Test func anExpiredServerCertificateIsRejected() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        try await withTestServer(echoMethods(), configuration: Self.serving(pki, certificate: pki.expiredServerCertificate)) { _, port in
            let error = await Self.refusal("127.0.0.1:\(port)", ClientTLS(caPath: pki.caCertificate))
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("the server's certificate expired on 2020-01-02") == true, "\(String(describing: error))")
        }
    }

    @Test func aCertificateForAnotherNameIsRejected() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        // 127.0.0.2, which the certificate does not name either (an IP SAN match would let it pass).
        var configuration = Self.serving(pki)
        configuration.host = "127.0.0.2"
        try await withTestServer(echoMethods(), configuration: configuration) { _, port in
            let error = await Self.refusal("127.0.0.2:\(port)", ClientTLS(caPath: pki.caCertificate, serverName: "router.example"))
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("not valid for 'router.example'") == true, "\(String(describing: error))")
            let unnamed = await Self.refusal("127.0.0.2:\(port)", ClientTLS(caPath: pki.caCertificate))
            #expect(unnamed?.message.contains("not valid for this address") == true, "\(String(describing: unnamed))")
        }
    }

    /// A listener that accepts TCP (the kernel's backlog does) but never answers the ClientHello
    /// must not hold a caller: the handshake gets the connect timeout.
    @Test func aServerThatNeverAnswersTheHandshakeFailsTheCall() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")),
                                  sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && listen(fd, 8) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        try #require(bound)
        let port = Int(UInt16(bigEndian: address.sin_port))
        let error = await Self.refusal("127.0.0.1:\(port)", ClientTLS(caPath: pki.caCertificate), connectTimeout: .seconds(1))
        #expect(error?.code == .unavailable)
        #expect(error?.message.contains("did not complete within") == true, "\(String(describing: error))")
    }

    @Test func plaintextAndTLSDoNotMixSilently() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        try await withTestServer(echoMethods(), configuration: Self.serving(pki)) { _, port in
            let error = await Self.refusal("127.0.0.1:\(port)", nil)
            #expect(error?.code == .unavailable, "\(String(describing: error))")
        }
        try await withTestServer(echoMethods()) { _, port in
            let error = await Self.refusal("127.0.0.1:\(port)", ClientTLS(caPath: pki.caCertificate))
            #expect(error?.code == .unavailable)
            #expect(error?.message.contains("TLS") == true, "\(String(describing: error))")
        }
    }

    /// A rotated certificate is served to new connections without a restart; unusable new files
    /// are refused and the old certificate stays in service.
    @Test func certificatesReloadWithoutARestart() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let live = pki.path("live.crt")
        try FileManager.default.copyItem(atPath: pki.serverCertificate, toPath: live)
        try await withTestServer(echoMethods(), configuration: Self.serving(pki, certificate: live)) { server, port in
            let target = "127.0.0.1:\(port)"
            #expect(await Self.refusal(target, ClientTLS(caPath: pki.otherCACertificate)) != nil)
            try server.reloadTLS()  // unchanged files: nothing to do

            try Data(contentsOf: URL(fileURLWithPath: pki.otherServerCertificate)).write(to: URL(fileURLWithPath: live), options: .atomic)
            try server.reloadTLS()
            let echoed4 = try await Self.echo(target, ClientTLS(caPath: pki.otherCACertificate))
            #expect(echoed4 == [4, 2])

            try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: live), options: .atomic)
            #expect { try server.reloadTLS() } throws: { error in
                (error as? RPCError)?.message.contains(live) == true
            }
            let echoed5 = try await Self.echo(target, ClientTLS(caPath: pki.otherCACertificate))
            #expect(echoed5 == [4, 2])
        }
    }

    @Test func unusableFilesStopTheServerFromStartingWithTheirName() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let mismatched = GRPCServer(configuration: Self.serving(pki, key: pki.clientKey), methods: echoMethods(), logger: quietLogger)
        await #expect { try await mismatched.run() } throws: { error in
            (error as? RPCError)?.message.contains("does the key belong to the certificate") == true
        }
        let missing = GRPCServer(configuration: Self.serving(pki, certificate: pki.path("nope.crt")), methods: echoMethods(), logger: quietLogger)
        await #expect { try await missing.run() } throws: { error in
            (error as? RPCError)?.message.contains("nope.crt") == true
        }
    }
}
