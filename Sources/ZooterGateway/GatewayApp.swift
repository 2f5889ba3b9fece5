import Foundation
import Hummingbird
import HummingbirdCore
public import Logging
import NIOCore
import ZooterRPC
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
        var tls: ServerTLSContext?
        if let certificate = options.tlsCert, let key = options.tlsKey {
            do throws(RPCError) {
                tls = try ServerTLSContext(ServerTLS(certificateChainPath: certificate, privateKeyPath: key,
                                                     reloadInterval: options.tlsReloadSeconds > 0 ? .seconds(options.tlsReloadSeconds) : nil,
                                                     applicationProtocols: ["http/1.1"]))
            } catch {
                throw GatewayError.configuration(error.message)
            }
        }
        let server: HTTPServerBuilder
        if let tls {
            server = HTTPServerBuilder { responder in
                ReloadingTLSChannel(base: HangupAwareChannel(base: HTTP1Channel(responder: responder, configuration: http1)), tls: tls)
            }
        } else {
            server = HTTPServerBuilder { responder in HangupAwareChannel(base: HTTP1Channel(responder: responder, configuration: http1)) }
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
        // Certificate rotation: a periodic check of the files and SIGHUP.
        var certificates: [any Service] = []
        if let tls {
            certificates.append(TLSReloadOnHangup(contexts: [tls], logger: logger))
            if tls.settings.reloadInterval != nil { certificates.append(TLSFileWatch(context: tls, logger: logger)) }
        }
        // Stopped in reverse: the HTTP server finishes its requests, then the recorder writes its
        // queue, then the connections close.
        return [service] + (service.recorder.map { [$0] } ?? []) + certificates + [app]
    }
}
