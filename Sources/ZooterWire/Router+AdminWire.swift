internal import CProtobufC
internal import ZooterProtoC

// Wire code for the Router's admin/info messages (LoadModel, ModelInfo).

extension LoadModelRequest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__LoadModelRequest> {
        .init(
            initialize: zooter__v1__load_model_request__init,
            packedSize: zooter__v1__load_model_request__get_packed_size,
            pack: zooter__v1__load_model_request__pack,
            unpack: zooter__v1__load_model_request__unpack,
            freeUnpacked: zooter__v1__load_model_request__free_unpacked)
    }

    init(c: Zooter__V1__LoadModelRequest) throws(WireError) {
        switch c.source_case {
        case ZOOTER__V1__LOAD_MODEL_REQUEST__SOURCE_ARTIFACT_PATH:
            source = .artifactPath(try swiftString(c.artifact_path, field: "LoadModelRequest.artifact_path"))
        case ZOOTER__V1__LOAD_MODEL_REQUEST__SOURCE_ARTIFACT:
            let artifact: ModelArtifact? = try swiftMessage(c.artifact, field: "LoadModelRequest.artifact")
            source = .artifact(artifact ?? ModelArtifact())
        default:
            // NOT_SET; protobuf-c rejects unknown cases while parsing, so nothing else arrives.
            source = nil
        }
    }

    func fill(_ c: inout Zooter__V1__LoadModelRequest, _ arena: inout CArena) {
        switch source {
        case .artifactPath(let path):
            c.source_case = ZOOTER__V1__LOAD_MODEL_REQUEST__SOURCE_ARTIFACT_PATH
            // A set oneof member is encoded even when empty, so always point at a real string.
            c.artifact_path = arena.cString(path)
        case .artifact(let artifact):
            c.source_case = ZOOTER__V1__LOAD_MODEL_REQUEST__SOURCE_ARTIFACT
            c.artifact = artifact.cMessage(in: &arena)
        case nil:
            break
        }
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension LoadModelResponse: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__LoadModelResponse> {
        .init(
            initialize: zooter__v1__load_model_response__init,
            packedSize: zooter__v1__load_model_response__get_packed_size,
            pack: zooter__v1__load_model_response__pack,
            unpack: zooter__v1__load_model_response__unpack,
            freeUnpacked: zooter__v1__load_model_response__free_unpacked)
    }

    init(c: Zooter__V1__LoadModelResponse) throws(WireError) {
        modelVersion = try swiftString(c.model_version, field: "LoadModelResponse.model_version")
        expertCount = c.expert_count
        previousModelVersion = try swiftString(
            c.previous_model_version, field: "LoadModelResponse.previous_model_version")
    }

    func fill(_ c: inout Zooter__V1__LoadModelResponse, _ arena: inout CArena) {
        arena.setString(&c.model_version, modelVersion)
        c.expert_count = expertCount
        arena.setString(&c.previous_model_version, previousModelVersion)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ModelInfoRequest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ModelInfoRequest> {
        .init(
            initialize: zooter__v1__model_info_request__init,
            packedSize: zooter__v1__model_info_request__get_packed_size,
            pack: zooter__v1__model_info_request__pack,
            unpack: zooter__v1__model_info_request__unpack,
            freeUnpacked: zooter__v1__model_info_request__free_unpacked)
    }

    init(c: Zooter__V1__ModelInfoRequest) throws(WireError) {}

    func fill(_ c: inout Zooter__V1__ModelInfoRequest, _ arena: inout CArena) {}

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ModelInfoResponse: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ModelInfoResponse> {
        .init(
            initialize: zooter__v1__model_info_response__init,
            packedSize: zooter__v1__model_info_response__get_packed_size,
            pack: zooter__v1__model_info_response__pack,
            unpack: zooter__v1__model_info_response__unpack,
            freeUnpacked: zooter__v1__model_info_response__free_unpacked)
    }

    init(c: Zooter__V1__ModelInfoResponse) throws(WireError) {
        loaded = c.loaded != 0
        manifest = try swiftMessage(c.manifest, field: "ModelInfoResponse.manifest")
        encoder = try swiftMessage(c.encoder, field: "ModelInfoResponse.encoder")
        loadedUnixSeconds = c.loaded_unix_seconds
        routesServed = c.routes_served
    }

    func fill(_ c: inout Zooter__V1__ModelInfoResponse, _ arena: inout CArena) {
        c.loaded = loaded ? 1 : 0
        c.manifest = manifest?.cMessage(in: &arena)
        c.encoder = encoder?.cMessage(in: &arena)
        c.loaded_unix_seconds = loadedUnixSeconds
        c.routes_served = routesServed
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
