internal import CProtobufC
internal import ZooterProtoC

extension ModelManifest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ModelManifest> {
        .init(
            initialize: zooter__v1__model_manifest__init,
            packedSize: zooter__v1__model_manifest__get_packed_size,
            pack: zooter__v1__model_manifest__pack,
            unpack: zooter__v1__model_manifest__unpack,
            freeUnpacked: zooter__v1__model_manifest__free_unpacked)
    }

    init(c: Zooter__V1__ModelManifest) throws(WireError) {
        formatVersion = c.format_version
        modelVersion = try swiftString(c.model_version, field: "ModelManifest.model_version")
        experts = try swiftMessages(c.n_experts, c.experts, field: "ModelManifest.experts")
        encoder = try swiftString(c.encoder, field: "ModelManifest.encoder")
        encoderSHA256 = try swiftString(c.encoder_sha256, field: "ModelManifest.encoder_sha256")
        headKind = HeadKind(rawValue: swiftEnumNumber(c.head_kind.rawValue))
        hiddenSize = c.hidden_size
        embeddingDimension = c.embedding_dim
        rewardTransform = RewardTransform(rawValue: swiftEnumNumber(c.reward_transform.rawValue))
        temperature = c.temperature
        beta = c.beta
        tagSource = TagSource(rawValue: swiftEnumNumber(c.tag_source.rawValue))
        tags = try swiftStrings(c.n_tags, c.tags, field: "ModelManifest.tags")
        datasetSHA256 = try swiftString(c.dataset_sha256, field: "ModelManifest.dataset_sha256")
        rewardSource = try swiftString(c.reward_source, field: "ModelManifest.reward_source")
        tagger = try swiftString(c.tagger, field: "ModelManifest.tagger")
        metrics = try Self.swiftMetrics(c.n_metrics, c.metrics)
        createdUnixSeconds = c.created_unix_seconds
        confidenceThreshold = c.confidence_threshold
        fallbackExpert = try swiftString(c.fallback_expert, field: "ModelManifest.fallback_expert")
        headSHA256 = try swiftString(c.head_sha256, field: "ModelManifest.head_sha256")
        datasetSelection = try swiftString(c.dataset_selection, field: "ModelManifest.dataset_selection")
        encoderPath = try swiftString(c.encoder_path, field: "ModelManifest.encoder_path")
    }

    func fill(_ c: inout Zooter__V1__ModelManifest, _ arena: inout CArena) {
        c.format_version = formatVersion
        arena.setString(&c.model_version, modelVersion)
        (c.n_experts, c.experts) = arena.cMessages(experts)
        arena.setString(&c.encoder, encoder)
        arena.setString(&c.encoder_sha256, encoderSHA256)
        c.head_kind = .init(rawValue: cEnumNumber(headKind.rawValue))
        c.hidden_size = hiddenSize
        c.embedding_dim = embeddingDimension
        c.reward_transform = .init(rawValue: cEnumNumber(rewardTransform.rawValue))
        c.temperature = temperature
        c.beta = beta
        c.tag_source = .init(rawValue: cEnumNumber(tagSource.rawValue))
        (c.n_tags, c.tags) = arena.cStrings(tags)
        arena.setString(&c.dataset_sha256, datasetSHA256)
        arena.setString(&c.reward_source, rewardSource)
        arena.setString(&c.tagger, tagger)
        (c.n_metrics, c.metrics) = Self.cMetrics(metrics, &arena)
        c.created_unix_seconds = createdUnixSeconds
        c.confidence_threshold = confidenceThreshold
        arena.setString(&c.fallback_expert, fallbackExpert)
        arena.setString(&c.head_sha256, headSHA256)
        arena.setString(&c.dataset_selection, datasetSelection)
        arena.setString(&c.encoder_path, encoderPath)
    }

    // protobuf-c represents `map<string, double> metrics` as repeated MetricsEntry messages.

    /// Entries in wire order; a repeated key keeps the last value (proto3 map semantics).
    private static func swiftMetrics(
        _ count: Int, _ entries: UnsafeMutablePointer<UnsafeMutablePointer<Zooter__V1__ModelManifest__MetricsEntry>?>?
    ) throws(WireError) -> [String: Double] {
        guard count > 0, let entries else { return [:] }
        var metrics: [String: Double] = [:]
        metrics.reserveCapacity(count)
        for i in 0..<count {
            guard let entry = entries[i] else { preconditionFailure("protobuf-c returned a NULL map entry") }
            let key = try swiftString(entry.pointee.key, field: "ModelManifest.metrics[\(i)].key")
            metrics[key] = entry.pointee.value
        }
        return metrics
    }

    /// Entries sorted by key, so that equal manifests encode to equal bytes.
    private static func cMetrics(
        _ metrics: [String: Double], _ arena: inout CArena
    ) -> (Int, UnsafeMutablePointer<UnsafeMutablePointer<Zooter__V1__ModelManifest__MetricsEntry>?>?) {
        guard !metrics.isEmpty else { return (0, nil) }
        let array = arena.allocate(UnsafeMutablePointer<Zooter__V1__ModelManifest__MetricsEntry>?.self, count: metrics.count)
        for (i, (key, value)) in metrics.sorted(by: { $0.key < $1.key }).enumerated() {
            let entry = arena.allocate(Zooter__V1__ModelManifest__MetricsEntry.self, count: 1)
            zooter__v1__model_manifest__metrics_entry__init(entry)
            // Map keys are always encoded, even when empty, so always point at a real string.
            entry.pointee.key = arena.cString(key)
            entry.pointee.value = value
            (array + i).initialize(to: entry)
        }
        return (metrics.count, array)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ModelArtifact: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ModelArtifact> {
        .init(
            initialize: zooter__v1__model_artifact__init,
            packedSize: zooter__v1__model_artifact__get_packed_size,
            pack: zooter__v1__model_artifact__pack,
            unpack: zooter__v1__model_artifact__unpack,
            freeUnpacked: zooter__v1__model_artifact__free_unpacked)
    }

    init(c: Zooter__V1__ModelArtifact) throws(WireError) {
        manifest = try swiftMessage(c.manifest, field: "ModelArtifact.manifest")
        headSafetensors = swiftBytes(c.head_safetensors)
    }

    func fill(_ c: inout Zooter__V1__ModelArtifact, _ arena: inout CArena) {
        c.manifest = manifest?.cMessage(in: &arena)
        c.head_safetensors = arena.cBytes(headSafetensors)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
