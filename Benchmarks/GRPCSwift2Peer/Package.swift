// swift-tools-version:6.1
import PackageDescription

// The transport benchmark's grpc-swift 2 peer: a Health/Check server on grpc-swift 2 with its
// NIO HTTP/2 transport, what a Swift user would otherwise pick. A package of its own so that the
// project's build and tests never pay for grpc-swift; scripts/bench-transport builds it.
let package = Package(
    name: "GRPCSwift2Peer",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/grpc/grpc-swift-2.git", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport.git", from: "2.9.2"),
    ],
    targets: [
        .executableTarget(
            name: "grpc-swift2-health",
            dependencies: [
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
            ]),
    ]
)
