import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
public import ServiceLifecycle
import ZooterServiceKit

/// The zooter-gateway process: configuration, tenants, the gateway service and its HTTP server.
public enum GatewayApp {
    /// Everything to run, HTTP server last (on SIGTERM it stops first and finishes the requests
    /// in progress; then the connections to the router and the experts close).
    public static func build(options: GatewayOptions, logger: Logger) throws -> [any Service] {
        let configuration = try GatewayConfiguration.load(path: options.config)
        var tenants: TenantDirectory?
        if let path = configuration.tenantsFile {
            tenants = try TenantDirectory.load(path: path, experts: Set(configuration.experts.map(\.name)))
            logger.info("tenants loaded", metadata: ["tenants": "\(tenants!.tenants.count)"])
        } else if options.allowAnonymous {
            logger.warning("no tenants_file and --allow-anonymous: every caller is served without an API key")
        } else {
            throw GatewayError.configuration("\(options.config) names no tenants_file: add one (API keys, docs/gateway.md) or pass --allow-anonymous to serve callers without keys")
        }
        let service = try GatewayService(configuration: configuration, tenants: tenants, logger: logger)
        let router = service.makeRouter()
        router.middlewares.add(GatewayService.UnmatchedRequests(service: service))
        let http1 = HTTP1Channel.Configuration(idleTimeout: .seconds(Int64(options.idleSeconds)))
        var server = HTTPServerBuilder { responder in HangupAwareChannel(base: HTTP1Channel(responder: responder, configuration: http1)) }
        if let certificate = options.tlsCert, let key = options.tlsKey {
            let chain: [NIOSSLCertificate]
            let privateKey: NIOSSLPrivateKey
            do { chain = try NIOSSLCertificate.fromPEMFile(certificate) } catch {
                throw GatewayError.configuration("--tls-cert \(certificate) is not a readable PEM certificate chain (\(error))")
            }
            do { privateKey = try NIOSSLPrivateKey(file: key, format: .pem) } catch {
                throw GatewayError.configuration("--tls-key \(key) is not a readable, unencrypted PEM private key (\(error))")
            }
            guard !chain.isEmpty else { throw GatewayError.configuration("--tls-cert \(certificate) holds no certificate") }
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(privateKey))
            tls.minimumTLSVersion = .tlsv12
            tls.applicationProtocols = ["http/1.1"]
            server = try .tls(server, tlsConfiguration: tls)
        }
        let host = options.host
        let app = Application(
            router: router, server: server,
            configuration: ApplicationConfiguration(address: .hostname(host, port: options.port), serverName: "zooter-gateway"),
            onServerRunning: { channel in
                logger.info("listening", metadata: ["host": "\(host)", "port": "\(channel.localAddress?.port ?? 0)",
                                                    "tls": "\(options.tlsCert != nil)", "experts": "\(configuration.experts.count)"])
            },
            logger: logger)
        if let recorder = service.recorder {
            logger.info("exchange log", metadata: ["path": "\(recorder.settings.path)", "sample_rate": "\(recorder.settings.sampleRate)",
                                                   "store_text": "\(recorder.settings.storeText)", "scored": "\(configuration.rewardTargets != nil)"])
        }
        // Stopped in reverse: the HTTP server finishes its requests, then the recorder writes its
        // queue, then the connections close.
        return [service] + (service.recorder.map { [$0] } ?? []) + [app]
    }
}
