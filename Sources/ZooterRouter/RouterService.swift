import Foundation
public import Logging
public import ZooterCore
public import ZooterRPC
public import ZooterServiceKit
public import ZooterWire
import Synchronization

/// `zooter.v1.Router`: routes queries with the loaded model; `LoadModel` swaps models atomically.
public final class RouterService: Sendable {
    public static let serviceName = "zooter.v1.Router"
    /// The most requests one RouteBatch may carry.
    public static let maxBatchRequests = 256

    /// The router's own encoder (`--model`); a model whose artifact brings a fine-tuned encoder
    /// routes with that one instead.
    let encoder: TextEncoder
    let batcher: ComputeBatcher<EncodingJob, [Float]>
    let health: HealthService
    let admin: AdminPolicy
    /// The folder `artifact_path` must resolve into; nil: LoadModel takes inline artifacts only.
    let artifactRoot: ArtifactRoot?
    let logger: Logger
    private let model = Mutex<RoutingModel?>(nil)
    private let routesServed = Atomic<Int>(0)
    private let metrics = RouterMetrics()

    public init(encoder: TextEncoder, batcher: ComputeBatcher<EncodingJob, [Float]>, health: HealthService,
                admin: AdminPolicy, artifactRoot: ArtifactRoot? = nil, logger: Logger) {
        self.encoder = encoder
        self.batcher = batcher
        self.health = health
        self.admin = admin
        self.artifactRoot = artifactRoot
        self.logger = logger
        health.set(Self.serviceName, .notServing)
    }

    public var currentModel: RoutingModel? { model.withLock { $0 } }

    /// Installs a validated model (startup or LoadModel); returns the previous version.
    @discardableResult
    public func install(_ new: RoutingModel) -> String {
        let previous = model.withLock { current in
            defer { current = new }
            return current?.manifest.modelVersion ?? ""
        }
        metrics.install(version: new.manifest.modelVersion, experts: new.manifest.experts.map(\.name))
        health.set(Self.serviceName, .serving)
        logger.info("model loaded", metadata: ["model.version": "\(new.manifest.modelVersion)", "previous": "\(previous)"])
        return previous
    }

    public var methods: [RPCMethod] {
        [
            .unary("/zooter.v1.Router/Route") { (request: RouteRequest, context) in
                try await self.route([request], context).first!
            },
            .unary("/zooter.v1.Router/RouteBatch") { (request: RouteBatchRequest, context) in
                guard request.requests.count <= Self.maxBatchRequests else {
                    throw RPCError(code: .invalidArgument,
                                   message: "RouteBatch carries \(request.requests.count) requests; the limit is \(Self.maxBatchRequests): split the batch")
                }
                return RouteBatchResponse(responses: try await self.route(request.requests, context))
            },
            .unary("/zooter.v1.Router/LoadModel") { (request: LoadModelRequest, context) in
                do {
                    let response = try self.loadModel(request)
                    self.logger.notice("admin: LoadModel installed a model", metadata: context.identity.loggingMetadata.merging([
                        "peer": "\(context.peer)", "model.version": "\(response.modelVersion)", "previous": "\(response.previousModelVersion)"]) { $1 })
                    return response
                } catch {
                    self.logger.warning("admin: LoadModel refused the artifact", metadata: context.identity.loggingMetadata.merging(["peer": "\(context.peer)", "error": "\(error)"]) { $1 })
                    throw error
                }
            }.authorized { context in try self.authorize(context) },
            .unary("/zooter.v1.Router/ModelInfo") { (_: ModelInfoRequest, _) in
                let current = self.currentModel
                let serving = current?.encoder ?? self.encoder
                return ModelInfoResponse(
                    loaded: current != nil, manifest: current?.manifest,
                    encoder: EncoderInfo(name: serving.identity.name, sha256: serving.identity.weightsSHA256,
                                         dimension: UInt32(serving.dimension), maxTokens: UInt32(serving.maxSequenceLength)),
                    loadedUnixSeconds: UInt64(current?.loadedAt.timeIntervalSince1970 ?? 0),
                    routesServed: UInt64(self.routesServed.load(ordering: .relaxed)))
            },
        ]
    }

    /// Embeds every query in one batched encoder pass (shared with concurrent calls), then ranks.
    func route(_ requests: [RouteRequest], _ context: ServerContext) async throws -> [RouteResponse] {
        guard let model = currentModel else {
            throw RPCError(code: .unavailable, message: "no model loaded: push one with LoadModel (zooter-trainer train --router ADDR)")
        }
        if requests.isEmpty { return [] }
        for request in requests { try model.validate(request) }
        let clock = ContinuousClock()
        let start = clock.now
        let encoder = model.encoder ?? self.encoder
        let rows = try await batcher.submit(requests.map { EncodingJob(text: $0.query, encoder: encoder) })
        let encoded = clock.now
        if context.isCancelled { throw CancellationError() }
        let embeddings = Matrix(rows: rows.count, columns: encoder.dimension, values: rows.flatMap { $0 })
        let probabilities = model.head.probabilities(embeddings)
        let encodeMicros = UInt64((encoded - start) / .microseconds(1))
        var responses: [RouteResponse] = []
        responses.reserveCapacity(requests.count)
        for (index, request) in requests.enumerated() {
            var response = model.answer(request, probabilities: probabilities.row(index))
            response.encodeMicros = encodeMicros
            response.totalMicros = UInt64((clock.now - start) / .microseconds(1))
            metrics.routed(to: response.chosen, fallback: response.fallbackUsed)
            responses.append(response)
        }
        routesServed.add(requests.count, ordering: .relaxed)
        return responses
    }

    func loadModel(_ request: LoadModelRequest) throws(RPCError) -> LoadModelResponse {
        let loaded: RoutingModel
        switch request.source {
        case .artifactPath(let path)?:
            guard let artifactRoot else {
                throw RPCError(code: .failedPrecondition,
                               message: "this router takes artifact_path only inside --artifact-root, which is not set; send the artifact inline")
            }
            let directory = try artifactRoot.resolve(path)
            loaded = try RoutingModel.load(directory: directory, encoder: encoder)
        case .artifact(let artifact)?:
            loaded = try RoutingModel.validated(artifact, encoder: encoder.identity, dimension: encoder.dimension)
        case nil:
            throw RPCError(code: .invalidArgument, message: "LoadModel needs artifact_path or an inline artifact")
        }
        let previous = install(loaded)
        return LoadModelResponse(modelVersion: loaded.manifest.modelVersion,
                                 expertCount: UInt32(loaded.manifest.experts.count), previousModelVersion: previous)
    }

    /// Admin calls need `authorization: Bearer <token>`; with no token configured they are
    /// refused unless the router was started with `--allow-unauthenticated-admin`. Runs on the
    /// request headers, before the artifact is received; every refusal is logged with the peer.
    func authorize(_ context: ServerContext) throws(RPCError) {
        let refusal: RPCError
        switch admin {
        case .open:
            return
        case .closed:
            refusal = RPCError(code: .permissionDenied,
                               message: "LoadModel is disabled: start the router with --admin-token-file FILE or ZOOTER_ADMIN_TOKEN")
        case .token(let token):
            guard let header = context.metadata["authorization"] else {
                refusal = RPCError(code: .unauthenticated, message: "LoadModel is an admin call: send metadata 'authorization: Bearer <token>'")
                break
            }
            if token.accepts(header) { return }
            refusal = RPCError(code: .permissionDenied, message: "the admin token is not valid for this router")
        }
        logger.warning("admin: LoadModel refused", metadata: context.identity.loggingMetadata.merging(["peer": "\(context.peer)", "status": "\(refusal.code)"]) { $1 })
        throw refusal
    }
}
