import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// BoringSSL reports every rejected server certificate as CERTIFICATE_VERIFY_FAILED. To tell an
/// operator which of the usual causes it is, the client connects once more without verifying,
/// reads the certificate the server presents, and checks its dates and issuer itself. Only the
/// handshake happens on that connection (no client certificate, no request), and only after a
/// verification already failed.
enum CertificateDiagnosis {
    /// Why the server's certificate was not accepted, in words; nil if it cannot be read.
    static func reason(host: String, port: Int, serverName: String?, group: any EventLoopGroup,
                       timeout: Duration) -> EventLoopFuture<String?> {
        let loop = group.next()
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.applicationProtocols = ["h2"]
        guard let context = try? NIOSSLContext(configuration: configuration) else { return loop.makeSucceededFuture(nil) }
        let certificate = loop.makePromise(of: NIOSSLCertificate?.self)
        ClientBootstrap(group: loop)
            .connectTimeout(TimeAmount(timeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
                    try channel.pipeline.syncOperations.addHandler(PeerCertificateReader(promise: certificate))
                }
            }
            .connect(host: host, port: port)
            .whenFailure { _ in certificate.succeed(nil) }
        return certificate.futureResult.map { $0.map(describe) }
    }

    static func describe(_ certificate: NIOSSLCertificate) -> String {
        let now = time(nil)
        if certificate.notValidAfter < now { return "expired on \(date(certificate.notValidAfter))" }
        if certificate.notValidBefore > now { return "is not valid until \(date(certificate.notValidBefore))" }
        let issuer = certificate.issuerName.first { $0.type == .commonName }?.value ?? "an unnamed issuer"
        return "was issued by '\(issuer)', which is not a CA in the trusted bundle (--tls-ca)"
    }

    private static func date(_ seconds: time_t) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(.iso8601)
    }
}

/// Completes a promise with the server's leaf certificate once the handshake is done, then
/// closes; with nil if the connection ends first.
private final class PeerCertificateReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var promise: EventLoopPromise<NIOSSLCertificate?>?

    init(promise: EventLoopPromise<NIOSSLCertificate?>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event {
            let tls = try? context.pipeline.syncOperations.handler(type: NIOSSLClientHandler.self)
            finish(tls?.peerCertificate)
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(nil)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) { finish(nil) }

    private func finish(_ certificate: NIOSSLCertificate?) {
        promise?.succeed(certificate)
        promise = nil
    }
}
