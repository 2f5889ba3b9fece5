import Foundation
import NIOSSL

/// Builds NIOSSL contexts from our TLS settings, reading the PEM files with errors that name the
/// file and what is wrong with it. Every TLS context in Zooter is made here.
enum TLSContextFactory {
    static func server(_ tls: ServerTLS) throws(RPCError) -> NIOSSLContext {
        let chain = try certificates(at: tls.certificateChainPath, role: "certificate chain (--tls-cert)")
        let key = try privateKey(at: tls.privateKeyPath)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = tls.applicationProtocols
        if let clientCA = tls.clientCAPath {
            configuration.trustRoots = .certificates(try certificates(at: clientCA, role: "client CA bundle (--tls-client-ca)"))
            // Clients are identified by their chain to the CA; they have no host name to check.
            configuration.certificateVerification = .noHostnameVerification
        }
        return try context(configuration, files: tls.paths)
    }

    static func client(_ tls: ClientTLS) throws(RPCError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["h2"]
        configuration.certificateVerification = .fullVerification
        if let caPath = tls.caPath {
            configuration.trustRoots = .certificates(try certificates(at: caPath, role: "CA bundle (--tls-ca)"))
        }
        switch (tls.certificateChainPath, tls.privateKeyPath) {
        case (let chainPath?, let keyPath?):
            configuration.certificateChain = try certificates(at: chainPath, role: "client certificate chain (--tls-cert)").map { .certificate($0) }
            configuration.privateKey = .privateKey(try privateKey(at: keyPath))
        case (nil, nil):
            break
        default:
            throw RPCError(code: .invalidArgument, message: "a client certificate needs both its chain and its key (--tls-cert and --tls-key)")
        }
        return try context(configuration, files: [tls.caPath, tls.certificateChainPath, tls.privateKeyPath].compactMap { $0 })
    }

    private static func context(_ configuration: TLSConfiguration, files: [String]) throws(RPCError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            // The usual cause: a key that does not belong to the certificate.
            throw RPCError(code: .invalidArgument,
                           message: "cannot make a TLS context from \(files.joined(separator: ", ")): \(error) (does the key belong to the certificate?)",
                           cause: error)
        }
    }

    private static func contents(of path: String, role: String) throws(RPCError) -> [UInt8] {
        do {
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot read the TLS \(role) at \(path): \(error.localizedDescription)", cause: error)
        }
    }

    static func certificates(at path: String, role: String) throws(RPCError) -> [NIOSSLCertificate] {
        let bytes = try contents(of: path, role: role)
        let parsed: [NIOSSLCertificate]
        do {
            parsed = try NIOSSLCertificate.fromPEMBytes(bytes)
        } catch {
            throw RPCError(code: .invalidArgument, message: "the TLS \(role) at \(path) is not PEM certificates: \(error)", cause: error)
        }
        guard !parsed.isEmpty else {
            throw RPCError(code: .invalidArgument, message: "the TLS \(role) at \(path) holds no certificate")
        }
        return parsed
    }

    static func privateKey(at path: String) throws(RPCError) -> NIOSSLPrivateKey {
        let bytes = try contents(of: path, role: "private key (--tls-key)")
        do {
            return try NIOSSLPrivateKey(bytes: bytes, format: .pem)
        } catch {
            throw RPCError(code: .invalidArgument, message: "the TLS private key (--tls-key) at \(path) is not an unencrypted PEM key: \(error)", cause: error)
        }
    }
}
