internal import CProtobufC
internal import ZooterProtoC

extension TagQuery: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__TagQuery> {
        .init(
            initialize: zooter__v1__tag_query__init,
            packedSize: zooter__v1__tag_query__get_packed_size,
            pack: zooter__v1__tag_query__pack,
            unpack: zooter__v1__tag_query__unpack,
            freeUnpacked: zooter__v1__tag_query__free_unpacked)
    }

    init(c: Zooter__V1__TagQuery) throws(WireError) {
        query = try swiftString(c.query, field: "TagQuery.query")
        givenTags = try swiftStrings(c.n_given_tags, c.given_tags, field: "TagQuery.given_tags")
    }

    func fill(_ c: inout Zooter__V1__TagQuery, _ arena: inout CArena) {
        arena.setString(&c.query, query)
        (c.n_given_tags, c.given_tags) = arena.cStrings(givenTags)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension TagRequest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__TagRequest> {
        .init(
            initialize: zooter__v1__tag_request__init,
            packedSize: zooter__v1__tag_request__get_packed_size,
            pack: zooter__v1__tag_request__pack,
            unpack: zooter__v1__tag_request__unpack,
            freeUnpacked: zooter__v1__tag_request__free_unpacked)
    }

    init(c: Zooter__V1__TagRequest) throws(WireError) {
        queries = try swiftMessages(c.n_queries, c.queries, field: "TagRequest.queries")
        maxTags = c.max_tags
        minScore = c.min_score
    }

    func fill(_ c: inout Zooter__V1__TagRequest, _ arena: inout CArena) {
        (c.n_queries, c.queries) = arena.cMessages(queries)
        c.max_tags = maxTags
        c.min_score = minScore
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ScoredTag: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ScoredTag> {
        .init(
            initialize: zooter__v1__scored_tag__init,
            packedSize: zooter__v1__scored_tag__get_packed_size,
            pack: zooter__v1__scored_tag__pack,
            unpack: zooter__v1__scored_tag__unpack,
            freeUnpacked: zooter__v1__scored_tag__free_unpacked)
    }

    init(c: Zooter__V1__ScoredTag) throws(WireError) {
        name = try swiftString(c.name, field: "ScoredTag.name")
        score = c.score
        origin = TagOrigin(rawValue: swiftEnumNumber(c.origin.rawValue))
    }

    func fill(_ c: inout Zooter__V1__ScoredTag, _ arena: inout CArena) {
        arena.setString(&c.name, name)
        c.score = score
        c.origin = .init(rawValue: cEnumNumber(origin.rawValue))
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension QueryTags: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__QueryTags> {
        .init(
            initialize: zooter__v1__query_tags__init,
            packedSize: zooter__v1__query_tags__get_packed_size,
            pack: zooter__v1__query_tags__pack,
            unpack: zooter__v1__query_tags__unpack,
            freeUnpacked: zooter__v1__query_tags__free_unpacked)
    }

    init(c: Zooter__V1__QueryTags) throws(WireError) {
        tags = try swiftMessages(c.n_tags, c.tags, field: "QueryTags.tags")
    }

    func fill(_ c: inout Zooter__V1__QueryTags, _ arena: inout CArena) {
        (c.n_tags, c.tags) = arena.cMessages(tags)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension TagResponse: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__TagResponse> {
        .init(
            initialize: zooter__v1__tag_response__init,
            packedSize: zooter__v1__tag_response__get_packed_size,
            pack: zooter__v1__tag_response__pack,
            unpack: zooter__v1__tag_response__unpack,
            freeUnpacked: zooter__v1__tag_response__free_unpacked)
    }

    init(c: Zooter__V1__TagResponse) throws(WireError) {
        results = try swiftMessages(c.n_results, c.results, field: "TagResponse.results")
        tagger = try swiftString(c.tagger, field: "TagResponse.tagger")
        taggerVersion = try swiftString(c.tagger_version, field: "TagResponse.tagger_version")
    }

    func fill(_ c: inout Zooter__V1__TagResponse, _ arena: inout CArena) {
        (c.n_results, c.results) = arena.cMessages(results)
        arena.setString(&c.tagger, tagger)
        arena.setString(&c.tagger_version, taggerVersion)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
