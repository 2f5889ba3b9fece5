import Foundation
import Testing
import ZooterTestSupport

/// The TLS flags of the real executables: a service serving mutual TLS, the trainer's health
/// probe connecting with and without a client certificate, a certificate rotated and picked up
/// on SIGHUP, and plaintext refused off loopback unless asked for.
@Suite(.timeLimit(.minutes(3))) struct ServiceTLSTests {
    static func health(_ port: Int, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        let run = try await ChildProcess.run(ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path,
                                             ["health", "--target", "localhost:\(port)"] + arguments)
        return (run.status, run.output + run.standardError)
    }

    @Test func taggerServesMutualTLSAndReloadsItsCertificateOnSIGHUP() async throws {
        let pki = try await TestCertificates.make()
        defer { pki.remove() }
        let live = pki.path("live.crt")
        try FileManager.default.copyItem(atPath: pki.serverCertificate, toPath: live)
        let tagger = try ServiceProcess("zooter-tagger", ["--port", "0", "--tls-cert", live, "--tls-key", pki.serverKey,
                                                          "--tls-client-ca", pki.caCertificate, "--tls-reload-seconds", "0"])
        defer { tagger.kill(SIGTERM) }
        let port = try await tagger.port()
        let clientCertificate = ["--tls-cert", pki.clientCertificate, "--tls-key", pki.clientKey]

        let trusted = try await Self.health(port, ["--tls-ca", pki.caCertificate] + clientCertificate)
        #expect(trusted.status == 0 && trusted.output.contains("(server): serving"), "\(trusted.output)")

        let anonymous = try await Self.health(port, ["--tls-ca", pki.caCertificate])
        #expect(anonymous.status == 1 && anonymous.output.contains("client certificate"), "\(anonymous.output)")

        let plaintext = try await Self.health(port, [])
        #expect(plaintext.status == 1, "\(plaintext.output)")

        // Rotate to a certificate from the other CA; SIGHUP makes new connections use it.
        try Data(contentsOf: URL(fileURLWithPath: pki.otherServerCertificate)).write(to: URL(fileURLWithPath: live), options: .atomic)
        tagger.kill(SIGHUP)
        _ = try await tagger.line(matching: "reloaded the TLS certificate")
        let rotated = try await Self.health(port, ["--tls-ca", pki.otherCACertificate] + clientCertificate)
        #expect(rotated.status == 0, "\(rotated.output)")
        let old = try await Self.health(port, ["--tls-ca", pki.caCertificate] + clientCertificate)
        #expect(old.status == 1 && old.output.contains("was issued by 'Unrelated Test CA'"), "\(old.output)")
        #expect(tagger.isRunning)
    }

    @Test func plaintextOffLoopbackMustBeAskedFor() async throws {
        let server = try ServiceProcess("zooter-tagger", ["--host", "0.0.0.0", "--port", "0"])
        let status = await server.wait()
        #expect(status != 0 && server.output.contains("pass --tls-cert and --tls-key, or --plaintext"), "\(server.output)")

        let probe = try await ChildProcess.run(ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path,
                                               ["health", "--target", "192.0.2.1:50051"])
        #expect(probe.status != 0 && (probe.output + probe.standardError).contains("--plaintext to connect unencrypted"),
                "\(probe.output)\(probe.standardError)")
    }
}
