internal import CProtobufC
internal import ZooterProtoC

extension ScorePair: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ScorePair> {
        .init(
            initialize: zooter__v1__score_pair__init,
            packedSize: zooter__v1__score_pair__get_packed_size,
            pack: zooter__v1__score_pair__pack,
            unpack: zooter__v1__score_pair__unpack,
            freeUnpacked: zooter__v1__score_pair__free_unpacked)
    }

    init(c: Zooter__V1__ScorePair) throws(WireError) {
        id = try swiftString(c.id, field: "ScorePair.id")
        query = try swiftString(c.query, field: "ScorePair.query")
        response = try swiftString(c.response, field: "ScorePair.response")
    }

    func fill(_ c: inout Zooter__V1__ScorePair, _ arena: inout CArena) {
        arena.setString(&c.id, id)
        arena.setString(&c.query, query)
        arena.setString(&c.response, response)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ScoreRequest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ScoreRequest> {
        .init(
            initialize: zooter__v1__score_request__init,
            packedSize: zooter__v1__score_request__get_packed_size,
            pack: zooter__v1__score_request__pack,
            unpack: zooter__v1__score_request__unpack,
            freeUnpacked: zooter__v1__score_request__free_unpacked)
    }

    init(c: Zooter__V1__ScoreRequest) throws(WireError) {
        pairs = try swiftMessages(c.n_pairs, c.pairs, field: "ScoreRequest.pairs")
    }

    func fill(_ c: inout Zooter__V1__ScoreRequest, _ arena: inout CArena) {
        (c.n_pairs, c.pairs) = arena.cMessages(pairs)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ScoredPair: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ScoredPair> {
        .init(
            initialize: zooter__v1__scored_pair__init,
            packedSize: zooter__v1__scored_pair__get_packed_size,
            pack: zooter__v1__scored_pair__pack,
            unpack: zooter__v1__scored_pair__unpack,
            freeUnpacked: zooter__v1__scored_pair__free_unpacked)
    }

    init(c: Zooter__V1__ScoredPair) throws(WireError) {
        id = try swiftString(c.id, field: "ScoredPair.id")
        reward = c.reward
        cached = c.cached != 0
    }

    func fill(_ c: inout Zooter__V1__ScoredPair, _ arena: inout CArena) {
        arena.setString(&c.id, id)
        c.reward = reward
        c.cached = cached ? 1 : 0
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ScoreResponse: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ScoreResponse> {
        .init(
            initialize: zooter__v1__score_response__init,
            packedSize: zooter__v1__score_response__get_packed_size,
            pack: zooter__v1__score_response__pack,
            unpack: zooter__v1__score_response__unpack,
            freeUnpacked: zooter__v1__score_response__free_unpacked)
    }

    init(c: Zooter__V1__ScoreResponse) throws(WireError) {
        results = try swiftMessages(c.n_results, c.results, field: "ScoreResponse.results")
        scorer = try swiftString(c.scorer, field: "ScoreResponse.scorer")
        scorerVersion = try swiftString(c.scorer_version, field: "ScoreResponse.scorer_version")
        cacheHits = c.cache_hits
    }

    func fill(_ c: inout Zooter__V1__ScoreResponse, _ arena: inout CArena) {
        (c.n_results, c.results) = arena.cMessages(results)
        arena.setString(&c.scorer, scorer)
        arena.setString(&c.scorer_version, scorerVersion)
        c.cache_hits = cacheHits
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension RewardInfoRequest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__RewardInfoRequest> {
        .init(
            initialize: zooter__v1__reward_info_request__init,
            packedSize: zooter__v1__reward_info_request__get_packed_size,
            pack: zooter__v1__reward_info_request__pack,
            unpack: zooter__v1__reward_info_request__unpack,
            freeUnpacked: zooter__v1__reward_info_request__free_unpacked)
    }

    init(c: Zooter__V1__RewardInfoRequest) throws(WireError) {}

    func fill(_ c: inout Zooter__V1__RewardInfoRequest, _ arena: inout CArena) {}

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension RewardInfoResponse: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__RewardInfoResponse> {
        .init(
            initialize: zooter__v1__reward_info_response__init,
            packedSize: zooter__v1__reward_info_response__get_packed_size,
            pack: zooter__v1__reward_info_response__pack,
            unpack: zooter__v1__reward_info_response__unpack,
            freeUnpacked: zooter__v1__reward_info_response__free_unpacked)
    }

    init(c: Zooter__V1__RewardInfoResponse) throws(WireError) {
        scorer = try swiftString(c.scorer, field: "RewardInfoResponse.scorer")
        version = try swiftString(c.version, field: "RewardInfoResponse.version")
        encoder = try swiftMessage(c.encoder, field: "RewardInfoResponse.encoder")
        maxBatch = c.max_batch
        replicaID = try swiftString(c.replica_id, field: "RewardInfoResponse.replica_id")
    }

    func fill(_ c: inout Zooter__V1__RewardInfoResponse, _ arena: inout CArena) {
        arena.setString(&c.scorer, scorer)
        arena.setString(&c.version, version)
        c.encoder = encoder?.cMessage(in: &arena)
        c.max_batch = maxBatch
        arena.setString(&c.replica_id, replicaID)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
