public import Foundation
public import ZooterCore
public import ZooterRPC
public import ZooterWire

/// A router artifact, validated and ready to route: the manifest, the head, expert costs, and a
/// fine-tuned encoder when the artifact brings one.
///
/// Immutable and shared by every call; `LoadModel` swaps the whole object atomically, so a call
/// sees one model (head and encoder together) from start to end.
public final class RoutingModel: Sendable {
    public let manifest: ModelManifest
    public let head: RouterHead
    /// The artifact's fine-tuned encoder (`manifest.encoderPath`); nil: the router's own.
    public let encoder: TextEncoder?
    /// Per-expert cost in manifest order (0 when the manifest gives none).
    public let costs: [Double]
    public let loadedAt: Date

    /// The files of an artifact directory, as `zooter-trainer train` writes them.
    public static let manifestFile = "manifest.binpb"
    public static let headFile = "head.safetensors"

    init(manifest: ModelManifest, head: RouterHead, encoder: TextEncoder? = nil) {
        self.manifest = manifest
        self.head = head
        self.encoder = encoder
        self.costs = manifest.experts.map { $0.cost.isFinite ? $0.cost : 0 }
        self.loadedAt = Date()
    }

    /// Loads and validates an artifact directory: against the encoder this server runs, or, when
    /// the manifest names a fine-tuned encoder folder inside the artifact, against that encoder,
    /// which is loaded (hashed) here, before anything is swapped.
    public static func load(directory: URL, encoder base: TextEncoder) throws(RPCError) -> RoutingModel {
        let manifestURL = directory.appendingPathComponent(manifestFile)
        let headURL = directory.appendingPathComponent(headFile)
        let manifestBytes: [UInt8]
        let headBytes: [UInt8]
        do {
            manifestBytes = Array(try Data(contentsOf: manifestURL))
            headBytes = Array(try Data(contentsOf: headURL))
        } catch {
            throw RPCError(code: .failedPrecondition,
                           message: "cannot read the artifact at \(directory.path): \(error.localizedDescription); expected \(manifestFile) and \(headFile)")
        }
        let manifest: ModelManifest
        do {
            manifest = try ModelManifest(wireBytes: manifestBytes)
        } catch {
            throw RPCError(code: .failedPrecondition, message: "\(manifestURL.path) is not a valid ModelManifest: \(error)")
        }
        let artifact = ModelArtifact(manifest: manifest, headSafetensors: headBytes)
        guard !manifest.encoderPath.isEmpty else {
            return try validated(artifact, encoder: base.identity, dimension: base.dimension)
        }
        let fineTuned = try loadEncoder(manifest.encoderPath, in: directory, base: base)
        guard manifest.encoderSHA256 == fineTuned.identity.weightsSHA256 else {
            throw RPCError(code: .dataLoss,
                           message: "the encoder at \(manifest.encoderPath) has sha256 \(fineTuned.identity.weightsSHA256.prefix(12))… but the manifest names \(manifest.encoderSHA256.prefix(12))…: the artifact is corrupt")
        }
        let model = try validated(artifact, encoder: fineTuned.identity, dimension: fineTuned.dimension, fineTunedEncoderAllowed: true)
        return RoutingModel(manifest: model.manifest, head: model.head, encoder: fineTuned)
    }

    /// The fine-tuned encoder folder `path` names, confined to the artifact directory.
    static func loadEncoder(_ path: String, in directory: URL, base: TextEncoder) throws(RPCError) -> TextEncoder {
        let folder: URL
        do {
            folder = try ArtifactRoot(directory.path).resolve(path)
        } catch {
            throw RPCError(code: .failedPrecondition, message: "the manifest's encoder_path '\(path)' is not a folder inside the artifact: \(error.message)")
        }
        let encoder: TextEncoder
        do {
            encoder = try TextEncoder(modelDirectory: folder, threads: base.threads)
        } catch {
            throw RPCError(code: .failedPrecondition, message: "cannot load the artifact's encoder at \(path): \(error)")
        }
        guard encoder.dimension == base.dimension else {
            throw RPCError(code: .failedPrecondition,
                           message: "the artifact's encoder gives \(encoder.dimension)-dimensional embeddings; this router's gives \(base.dimension)")
        }
        return encoder
    }

    /// Validates an artifact: encoder match, head shape, expert list, head checksum.
    public static func validated(_ artifact: ModelArtifact, encoder: EncoderIdentity, dimension: Int,
                                 fineTunedEncoderAllowed: Bool = false) throws(RPCError) -> RoutingModel {
        guard let manifest = artifact.manifest else {
            throw RPCError(code: .invalidArgument, message: "the artifact has no manifest")
        }
        guard manifest.encoderPath.isEmpty || fineTunedEncoderAllowed else {
            throw RPCError(code: .failedPrecondition,
                           message: "the artifact brings a fine-tuned encoder (\(manifest.encoderPath)), which loads by path only: publish it under the router's --artifact-root and send LoadModel.artifact_path")
        }
        guard manifest.formatVersion == 1 else {
            throw RPCError(code: .failedPrecondition, message: "artifact format version \(manifest.formatVersion) is not supported (this router reads version 1)")
        }
        guard manifest.encoderSHA256 == encoder.weightsSHA256 else {
            throw RPCError(code: .failedPrecondition,
                           message: "the artifact was trained on encoder sha256 \(manifest.encoderSHA256.prefix(12))… but this router runs \(encoder.weightsSHA256.prefix(12))…; retrain with this encoder or start the router with the artifact's encoder")
        }
        let names = manifest.experts.map(\.name)
        guard !names.isEmpty, Set(names).count == names.count, !names.contains("") else {
            throw RPCError(code: .invalidArgument, message: "the manifest must list at least one expert, with unique non-empty names")
        }
        if !manifest.headSHA256.isEmpty, SHA256.hex(artifact.headSafetensors) != manifest.headSHA256 {
            throw RPCError(code: .dataLoss, message: "the head weights do not match the manifest's head_sha256: the artifact is corrupt")
        }
        let weights: HeadWeights
        do {
            weights = try HeadWeights.load(safetensors: Data(artifact.headSafetensors), inputs: dimension).weights
        } catch {
            throw RPCError(code: .invalidArgument, message: "the head weights are not valid safetensors: \(error)")
        }
        guard weights.experts == names else {
            throw RPCError(code: .invalidArgument, message: "the head's experts \(weights.experts) differ from the manifest's \(names)")
        }
        guard weights.architecture.inputs == dimension, weights.architecture.outputs == names.count else {
            throw RPCError(code: .failedPrecondition,
                           message: "the head maps \(weights.architecture.inputs) inputs to \(weights.architecture.outputs) experts; this router needs \(dimension) inputs and \(names.count) experts")
        }
        guard weights.parameters.allSatisfy(\.isFinite) else {
            throw RPCError(code: .invalidArgument, message: "the head weights contain NaN or infinite values")
        }
        for expert in manifest.experts where !expert.endpoint.isEmpty {
            try validateEndpoint(expert.endpoint, expert: expert.name)
        }
        if !manifest.fallbackExpert.isEmpty, !names.contains(manifest.fallbackExpert) {
            throw RPCError(code: .invalidArgument, message: "fallback expert '\(manifest.fallbackExpert)' is not one of the experts \(names)")
        }
        return RoutingModel(manifest: manifest, head: RouterHead(weights: weights))
    }
}

/// An expert's endpoint is published through ModelInfo and (with the gateway) receives users'
/// queries: only an absolute http(s) URL with a host, no credentials, no control characters.
func validateEndpoint(_ endpoint: String, expert: String) throws(RPCError) {
    func refuse(_ why: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "expert '\(expert)' endpoint is not valid: \(why)")
    }
    guard endpoint.utf8.count <= 2048, endpoint.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
        throw refuse("it must be at most 2048 printable ASCII characters without spaces")
    }
    guard let components = URLComponents(string: endpoint), let scheme = components.scheme?.lowercased() else {
        throw refuse("it is not a URL")
    }
    guard scheme == "http" || scheme == "https" else { throw refuse("scheme '\(scheme)' is not http or https") }
    guard let host = components.host, !host.isEmpty else { throw refuse("it has no host") }
    guard components.user == nil, components.password == nil else { throw refuse("it must not carry credentials") }
}
