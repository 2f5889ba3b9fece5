internal import CProtobufC
internal import ZooterProtoC

// Wire code for the Tagger's Info messages.

extension TaggerInfoRequest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__TaggerInfoRequest> {
        .init(
            initialize: zooter__v1__tagger_info_request__init,
            packedSize: zooter__v1__tagger_info_request__get_packed_size,
            pack: zooter__v1__tagger_info_request__pack,
            unpack: zooter__v1__tagger_info_request__unpack,
            freeUnpacked: zooter__v1__tagger_info_request__free_unpacked)
    }

    init(c: Zooter__V1__TaggerInfoRequest) throws(WireError) {}

    func fill(_ c: inout Zooter__V1__TaggerInfoRequest, _ arena: inout CArena) {}

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension TaxonomyTag: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__TaxonomyTag> {
        .init(
            initialize: zooter__v1__taxonomy_tag__init,
            packedSize: zooter__v1__taxonomy_tag__get_packed_size,
            pack: zooter__v1__taxonomy_tag__pack,
            unpack: zooter__v1__taxonomy_tag__unpack,
            freeUnpacked: zooter__v1__taxonomy_tag__free_unpacked)
    }

    init(c: Zooter__V1__TaxonomyTag) throws(WireError) {
        name = try swiftString(c.name, field: "TaxonomyTag.name")
        description = try swiftString(c.description, field: "TaxonomyTag.description")
    }

    func fill(_ c: inout Zooter__V1__TaxonomyTag, _ arena: inout CArena) {
        arena.setString(&c.name, name)
        arena.setString(&c.description, description)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension TaggerInfoResponse: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__TaggerInfoResponse> {
        .init(
            initialize: zooter__v1__tagger_info_response__init,
            packedSize: zooter__v1__tagger_info_response__get_packed_size,
            pack: zooter__v1__tagger_info_response__pack,
            unpack: zooter__v1__tagger_info_response__unpack,
            freeUnpacked: zooter__v1__tagger_info_response__free_unpacked)
    }

    init(c: Zooter__V1__TaggerInfoResponse) throws(WireError) {
        taxonomy = try swiftMessages(c.n_taxonomy, c.taxonomy, field: "TaggerInfoResponse.taxonomy")
        latentClusters = c.latent_clusters
        encoder = try swiftMessage(c.encoder, field: "TaggerInfoResponse.encoder")
        tagger = try swiftString(c.tagger, field: "TaggerInfoResponse.tagger")
        version = try swiftString(c.version, field: "TaggerInfoResponse.version")
        maxBatch = c.max_batch
    }

    func fill(_ c: inout Zooter__V1__TaggerInfoResponse, _ arena: inout CArena) {
        (c.n_taxonomy, c.taxonomy) = arena.cMessages(taxonomy)
        c.latent_clusters = latentClusters
        c.encoder = encoder?.cMessage(in: &arena)
        arena.setString(&c.tagger, tagger)
        arena.setString(&c.version, version)
        c.max_batch = maxBatch
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
