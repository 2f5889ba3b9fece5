internal import CProtobufC
internal import ZooterProtoC

// Wire code for grpc.reflection.v1. The answer's sub-messages (FileDescriptorResponse,
// ExtensionNumberResponse, ListServiceResponse, ServiceResponse, ErrorResponse) are flattened
// into `ServerReflectionResponse.Answer` and built here directly.

extension ExtensionRequest: CBacked {
    static var cFunctions: CMessageFunctions<Grpc__Reflection__V1__ExtensionRequest> {
        .init(
            initialize: grpc__reflection__v1__extension_request__init,
            packedSize: grpc__reflection__v1__extension_request__get_packed_size,
            pack: grpc__reflection__v1__extension_request__pack,
            unpack: grpc__reflection__v1__extension_request__unpack,
            freeUnpacked: grpc__reflection__v1__extension_request__free_unpacked)
    }

    init(c: Grpc__Reflection__V1__ExtensionRequest) throws(WireError) {
        containingType = try swiftString(c.containing_type, field: "ExtensionRequest.containing_type")
        extensionNumber = c.extension_number
    }

    func fill(_ c: inout Grpc__Reflection__V1__ExtensionRequest, _ arena: inout CArena) {
        arena.setString(&c.containing_type, containingType)
        c.extension_number = extensionNumber
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ServerReflectionRequest: CBacked {
    static var cFunctions: CMessageFunctions<Grpc__Reflection__V1__ServerReflectionRequest> {
        .init(
            initialize: grpc__reflection__v1__server_reflection_request__init,
            packedSize: grpc__reflection__v1__server_reflection_request__get_packed_size,
            pack: grpc__reflection__v1__server_reflection_request__pack,
            unpack: grpc__reflection__v1__server_reflection_request__unpack,
            freeUnpacked: grpc__reflection__v1__server_reflection_request__free_unpacked)
    }

    init(c: Grpc__Reflection__V1__ServerReflectionRequest) throws(WireError) {
        host = try swiftString(c.host, field: "ServerReflectionRequest.host")
        switch c.message_request_case {
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME:
            question = .fileByFilename(try swiftString(c.file_by_filename, field: "ServerReflectionRequest.file_by_filename"))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL:
            question = .fileContainingSymbol(try swiftString(c.file_containing_symbol, field: "ServerReflectionRequest.file_containing_symbol"))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_EXTENSION:
            let request: ExtensionRequest? = try swiftMessage(c.file_containing_extension, field: "ServerReflectionRequest.file_containing_extension")
            question = .fileContainingExtension(request ?? ExtensionRequest())
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE:
            question = .allExtensionNumbersOfType(try swiftString(c.all_extension_numbers_of_type, field: "ServerReflectionRequest.all_extension_numbers_of_type"))
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES:
            question = .listServices(try swiftString(c.list_services, field: "ServerReflectionRequest.list_services"))
        default:
            question = nil
        }
    }

    func fill(_ c: inout Grpc__Reflection__V1__ServerReflectionRequest, _ arena: inout CArena) {
        arena.setString(&c.host, host)
        // A set oneof member is encoded even when empty, so always point at a real string.
        switch question {
        case .fileByFilename(let name):
            c.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_BY_FILENAME
            c.file_by_filename = arena.cString(name)
        case .fileContainingSymbol(let symbol):
            c.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_SYMBOL
            c.file_containing_symbol = arena.cString(symbol)
        case .fileContainingExtension(let request):
            c.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_FILE_CONTAINING_EXTENSION
            c.file_containing_extension = request.cMessage(in: &arena)
        case .allExtensionNumbersOfType(let type):
            c.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_ALL_EXTENSION_NUMBERS_OF_TYPE
            c.all_extension_numbers_of_type = arena.cString(type)
        case .listServices(let value):
            c.message_request_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_REQUEST__MESSAGE_REQUEST_LIST_SERVICES
            c.list_services = arena.cString(value)
        case nil:
            break
        }
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}

extension ServerReflectionResponse: CBacked {
    static var cFunctions: CMessageFunctions<Grpc__Reflection__V1__ServerReflectionResponse> {
        .init(
            initialize: grpc__reflection__v1__server_reflection_response__init,
            packedSize: grpc__reflection__v1__server_reflection_response__get_packed_size,
            pack: grpc__reflection__v1__server_reflection_response__pack,
            unpack: grpc__reflection__v1__server_reflection_response__unpack,
            freeUnpacked: grpc__reflection__v1__server_reflection_response__free_unpacked)
    }

    init(c: Grpc__Reflection__V1__ServerReflectionResponse) throws(WireError) {
        validHost = try swiftString(c.valid_host, field: "ServerReflectionResponse.valid_host")
        originalRequest = try swiftMessage(c.original_request, field: "ServerReflectionResponse.original_request")
        switch c.message_response_case {
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE:
            guard let files = c.file_descriptor_response?.pointee else { answer = .fileDescriptors([]); break }
            answer = .fileDescriptors((0..<files.n_file_descriptor_proto).map { swiftBytes(files.file_descriptor_proto[$0]) })
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ALL_EXTENSION_NUMBERS_RESPONSE:
            guard let numbers = c.all_extension_numbers_response?.pointee else { answer = .extensionNumbers(baseTypeName: "", numbers: []); break }
            answer = .extensionNumbers(
                baseTypeName: try swiftString(numbers.base_type_name, field: "ExtensionNumberResponse.base_type_name"),
                numbers: numbers.n_extension_number > 0 ? Array(UnsafeBufferPointer(start: numbers.extension_number, count: numbers.n_extension_number)) : [])
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE:
            var names: [String] = []
            if let list = c.list_services_response?.pointee, list.n_service > 0, let services = list.service {
                for i in 0..<list.n_service {
                    names.append(try swiftString(services[i]?.pointee.name, field: "ListServiceResponse.service[\(i)].name"))
                }
            }
            answer = .services(names)
        case GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE:
            let error = c.error_response?.pointee
            answer = .error(code: error?.error_code ?? 0,
                            message: try swiftString(error?.error_message, field: "ErrorResponse.error_message"))
        default:
            answer = nil
        }
    }

    func fill(_ c: inout Grpc__Reflection__V1__ServerReflectionResponse, _ arena: inout CArena) {
        arena.setString(&c.valid_host, validHost)
        c.original_request = originalRequest?.cMessage(in: &arena)
        switch answer {
        case .fileDescriptors(let files):
            c.message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_FILE_DESCRIPTOR_RESPONSE
            let response = arena.allocate(Grpc__Reflection__V1__FileDescriptorResponse.self, count: 1)
            grpc__reflection__v1__file_descriptor_response__init(response)
            if !files.isEmpty {
                let array = arena.allocate(ProtobufCBinaryData.self, count: files.count)
                for (i, file) in files.enumerated() { (array + i).initialize(to: arena.cBytes(file)) }
                response.pointee.n_file_descriptor_proto = files.count
                response.pointee.file_descriptor_proto = array
            }
            c.file_descriptor_response = response
        case .extensionNumbers(let baseTypeName, let numbers):
            c.message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ALL_EXTENSION_NUMBERS_RESPONSE
            let response = arena.allocate(Grpc__Reflection__V1__ExtensionNumberResponse.self, count: 1)
            grpc__reflection__v1__extension_number_response__init(response)
            arena.setString(&response.pointee.base_type_name, baseTypeName)
            if !numbers.isEmpty {
                let array = arena.allocate(Int32.self, count: numbers.count)
                for (i, number) in numbers.enumerated() { (array + i).initialize(to: number) }
                response.pointee.n_extension_number = numbers.count
                response.pointee.extension_number = array
            }
            c.all_extension_numbers_response = response
        case .services(let names):
            c.message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_LIST_SERVICES_RESPONSE
            let response = arena.allocate(Grpc__Reflection__V1__ListServiceResponse.self, count: 1)
            grpc__reflection__v1__list_service_response__init(response)
            if !names.isEmpty {
                let array = arena.allocate(UnsafeMutablePointer<Grpc__Reflection__V1__ServiceResponse>?.self, count: names.count)
                for (i, name) in names.enumerated() {
                    let service = arena.allocate(Grpc__Reflection__V1__ServiceResponse.self, count: 1)
                    grpc__reflection__v1__service_response__init(service)
                    arena.setString(&service.pointee.name, name)
                    (array + i).initialize(to: service)
                }
                response.pointee.n_service = names.count
                response.pointee.service = array
            }
            c.list_services_response = response
        case .error(let code, let message):
            c.message_response_case = GRPC__REFLECTION__V1__SERVER_REFLECTION_RESPONSE__MESSAGE_RESPONSE_ERROR_RESPONSE
            let response = arena.allocate(Grpc__Reflection__V1__ErrorResponse.self, count: 1)
            grpc__reflection__v1__error_response__init(response)
            response.pointee.error_code = code
            arena.setString(&response.pointee.error_message, message)
            c.error_response = response
        case nil:
            break
        }
    }

    public init(wireBytes: [UInt8]) throws(WireError) { self = try Self.decode(wireBytes) }
    public func wireBytes() -> [UInt8] { encode() }
}
