internal import CProtobufC
internal import ZooterProtoC

// Hot path (transport benchmark): encoding an empty request or any response allocates
// nothing but the output array; decoding costs one protobuf-c unpack/free.

extension HealthCheckRequest: CBacked {
    static var cFunctions: CMessageFunctions<Grpc__Health__V1__HealthCheckRequest> {
        .init(
            initialize: grpc__health__v1__health_check_request__init,
            packedSize: grpc__health__v1__health_check_request__get_packed_size,
            pack: grpc__health__v1__health_check_request__pack,
            unpack: grpc__health__v1__health_check_request__unpack,
            freeUnpacked: grpc__health__v1__health_check_request__free_unpacked)
    }

    init(c: Grpc__Health__V1__HealthCheckRequest) throws(WireError) {
        service = try swiftString(c.service, field: "HealthCheckRequest.service")
    }

    func fill(_ c: inout Grpc__Health__V1__HealthCheckRequest, _ arena: inout CArena) {
        arena.setString(&c.service, service)
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension HealthCheckResponse: CBacked {
    static var cFunctions: CMessageFunctions<Grpc__Health__V1__HealthCheckResponse> {
        .init(
            initialize: grpc__health__v1__health_check_response__init,
            packedSize: grpc__health__v1__health_check_response__get_packed_size,
            pack: grpc__health__v1__health_check_response__pack,
            unpack: grpc__health__v1__health_check_response__unpack,
            freeUnpacked: grpc__health__v1__health_check_response__free_unpacked)
    }

    init(c: Grpc__Health__V1__HealthCheckResponse) throws(WireError) {
        status = ServingStatus(rawValue: swiftEnumNumber(c.status.rawValue))
    }

    func fill(_ c: inout Grpc__Health__V1__HealthCheckResponse, _ arena: inout CArena) {
        c.status = .init(rawValue: cEnumNumber(status.rawValue))
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
