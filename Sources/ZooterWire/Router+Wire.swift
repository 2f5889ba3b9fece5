internal import CProtobufC
internal import ZooterProtoC

extension RouteRequest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__RouteRequest> {
        .init(
            initialize: zooter__v1__route_request__init,
            packedSize: zooter__v1__route_request__get_packed_size,
            pack: zooter__v1__route_request__pack,
            unpack: zooter__v1__route_request__unpack,
            freeUnpacked: zooter__v1__route_request__free_unpacked)
    }

    init(c: Zooter__V1__RouteRequest) throws(WireError) {
        query = try swiftString(c.query, field: "RouteRequest.query")
        costWeight = c.cost_weight
        allowedExperts = try swiftStrings(c.n_allowed_experts, c.allowed_experts, field: "RouteRequest.allowed_experts")
        requestID = try swiftString(c.request_id, field: "RouteRequest.request_id")
        topK = c.top_k
    }

    func fill(_ c: inout Zooter__V1__RouteRequest, _ arena: inout CArena) {
        arena.setString(&c.query, query)
        c.cost_weight = costWeight
        (c.n_allowed_experts, c.allowed_experts) = arena.cStrings(allowedExperts)
        arena.setString(&c.request_id, requestID)
        c.top_k = topK
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ExpertScore: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__ExpertScore> {
        .init(
            initialize: zooter__v1__expert_score__init,
            packedSize: zooter__v1__expert_score__get_packed_size,
            pack: zooter__v1__expert_score__pack,
            unpack: zooter__v1__expert_score__unpack,
            freeUnpacked: zooter__v1__expert_score__free_unpacked)
    }

    init(c: Zooter__V1__ExpertScore) throws(WireError) {
        expert = try swiftString(c.expert, field: "ExpertScore.expert")
        probability = c.probability
        cost = c.cost
        score = c.score
    }

    func fill(_ c: inout Zooter__V1__ExpertScore, _ arena: inout CArena) {
        arena.setString(&c.expert, expert)
        c.probability = probability
        c.cost = cost
        c.score = score
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension RouteResponse: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__RouteResponse> {
        .init(
            initialize: zooter__v1__route_response__init,
            packedSize: zooter__v1__route_response__get_packed_size,
            pack: zooter__v1__route_response__pack,
            unpack: zooter__v1__route_response__unpack,
            freeUnpacked: zooter__v1__route_response__free_unpacked)
    }

    init(c: Zooter__V1__RouteResponse) throws(WireError) {
        ranked = try swiftMessages(c.n_ranked, c.ranked, field: "RouteResponse.ranked")
        chosen = try swiftString(c.chosen, field: "RouteResponse.chosen")
        modelVersion = try swiftString(c.model_version, field: "RouteResponse.model_version")
        encodeMicros = c.encode_micros
        totalMicros = c.total_micros
        requestID = try swiftString(c.request_id, field: "RouteResponse.request_id")
        fallbackUsed = c.fallback_used != 0
    }

    func fill(_ c: inout Zooter__V1__RouteResponse, _ arena: inout CArena) {
        (c.n_ranked, c.ranked) = arena.cMessages(ranked)
        arena.setString(&c.chosen, chosen)
        arena.setString(&c.model_version, modelVersion)
        c.encode_micros = encodeMicros
        c.total_micros = totalMicros
        arena.setString(&c.request_id, requestID)
        c.fallback_used = fallbackUsed ? 1 : 0
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension RouteBatchRequest: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__RouteBatchRequest> {
        .init(
            initialize: zooter__v1__route_batch_request__init,
            packedSize: zooter__v1__route_batch_request__get_packed_size,
            pack: zooter__v1__route_batch_request__pack,
            unpack: zooter__v1__route_batch_request__unpack,
            freeUnpacked: zooter__v1__route_batch_request__free_unpacked)
    }

    init(c: Zooter__V1__RouteBatchRequest) throws(WireError) {
        requests = try swiftMessages(c.n_requests, c.requests, field: "RouteBatchRequest.requests")
    }

    func fill(_ c: inout Zooter__V1__RouteBatchRequest, _ arena: inout CArena) {
        (c.n_requests, c.requests) = arena.cMessages(requests)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension RouteBatchResponse: CBacked {
    static var cFunctions: CMessageFunctions<Zooter__V1__RouteBatchResponse> {
        .init(
            initialize: zooter__v1__route_batch_response__init,
            packedSize: zooter__v1__route_batch_response__get_packed_size,
            pack: zooter__v1__route_batch_response__pack,
            unpack: zooter__v1__route_batch_response__unpack,
            freeUnpacked: zooter__v1__route_batch_response__free_unpacked)
    }

    init(c: Zooter__V1__RouteBatchResponse) throws(WireError) {
        responses = try swiftMessages(c.n_responses, c.responses, field: "RouteBatchResponse.responses")
    }

    func fill(_ c: inout Zooter__V1__RouteBatchResponse, _ arena: inout CArena) {
        (c.n_responses, c.responses) = arena.cMessages(responses)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
