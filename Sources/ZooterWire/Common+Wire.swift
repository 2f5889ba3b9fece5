internal import CProtobufC
internal import ZooterProtoC

extension EncoderInfo: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__EncoderInfo> {
        .init(
            initialize: zooter__v1__encoder_info__init,
            packedSize: zooter__v1__encoder_info__get_packed_size,
            pack: zooter__v1__encoder_info__pack,
            unpack: zooter__v1__encoder_info__unpack,
            freeUnpacked: zooter__v1__encoder_info__free_unpacked)
    }

    init(c: Zooter__V1__EncoderInfo) throws(WireError) {
        name = try swiftString(c.name, field: "EncoderInfo.name")
        sha256 = try swiftString(c.sha256, field: "EncoderInfo.sha256")
        dimension = c.dimension
        maxTokens = c.max_tokens
    }

    func fill(_ c: inout Zooter__V1__EncoderInfo, _ arena: inout CArena) {
        arena.setString(&c.name, name)
        arena.setString(&c.sha256, sha256)
        c.dimension = dimension
        c.max_tokens = maxTokens
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension Expert: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__Expert> {
        .init(
            initialize: zooter__v1__expert__init,
            packedSize: zooter__v1__expert__get_packed_size,
            pack: zooter__v1__expert__pack,
            unpack: zooter__v1__expert__unpack,
            freeUnpacked: zooter__v1__expert__free_unpacked)
    }

    init(c: Zooter__V1__Expert) throws(WireError) {
        name = try swiftString(c.name, field: "Expert.name")
        cost = c.cost
        paramsB = c.params_b
        kind = try swiftString(c.kind, field: "Expert.kind")
        endpoint = try swiftString(c.endpoint, field: "Expert.endpoint")
    }

    func fill(_ c: inout Zooter__V1__Expert, _ arena: inout CArena) {
        arena.setString(&c.name, name)
        c.cost = cost
        c.params_b = paramsB
        arena.setString(&c.kind, kind)
        arena.setString(&c.endpoint, endpoint)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
