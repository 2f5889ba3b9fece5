/// `grpc.reflection.v1.ServerReflectionRequest`: one question on a reflection stream.
public struct ServerReflectionRequest: Sendable, Hashable {
    public enum Question: Sendable, Hashable {
        /// The file with this name, e.g. "zooter/v1/router.proto".
        case fileByFilename(String)
        /// The file that defines this fully qualified symbol.
        case fileContainingSymbol(String)
        case fileContainingExtension(ExtensionRequest)
        case allExtensionNumbersOfType(String)
        /// The services the server has (the string's value is not used).
        case listServices(String)
    }

    public var host: String
    public var question: Question?

    public init(host: String = "", question: Question? = nil) {
        self.host = host
        self.question = question
    }
}

/// `grpc.reflection.v1.ExtensionRequest`.
public struct ExtensionRequest: Sendable, Hashable {
    public var containingType: String
    public var extensionNumber: Int32

    public init(containingType: String = "", extensionNumber: Int32 = 0) {
        self.containingType = containingType
        self.extensionNumber = extensionNumber
    }
}

/// `grpc.reflection.v1.ServerReflectionResponse`: the answer to one request.
public struct ServerReflectionResponse: Sendable, Hashable {
    public enum Answer: Sendable, Hashable {
        /// Serialized `google.protobuf.FileDescriptorProto`s.
        case fileDescriptors([[UInt8]])
        case extensionNumbers(baseTypeName: String, numbers: [Int32])
        /// Fully qualified service names.
        case services([String])
        /// A gRPC status code and message (e.g. NOT_FOUND for an unknown symbol).
        case error(code: Int32, message: String)
    }

    public var validHost: String
    public var originalRequest: ServerReflectionRequest?
    public var answer: Answer?

    public init(validHost: String = "", originalRequest: ServerReflectionRequest? = nil, answer: Answer? = nil) {
        self.validHost = validHost
        self.originalRequest = originalRequest
        self.answer = answer
    }
}
