// swift-tools-version:6.2
import PackageDescription

// Settings every Zooter target shares (applied in the loop at the bottom).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// The one module compiled with AVX-512 enabled: the 512-bit GEMM micro-kernel, which ZooterCore
// calls only after seeing `avx512f` on the CPU (`VectorWidth`). Everything else is built for the
// baseline (AVX2 + FMA with scripts/swift-flags), so one binary runs on every x86-64 host.
// `#if arch` here is the building machine's, which is also the target for a native build.
#if arch(x86_64)
let avx512Settings: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-mavx512f", "-Xcc", "-mfma", "-Xcc", "-mavx2"])]
#else
let avx512Settings: [SwiftSetting] = []
#endif

let serviceDependencies: [Target.Dependency] = [
    "ZooterServiceKit", "ZooterRPC", "ZooterWire", "ZooterCore",
    .product(name: "CoreMetrics", package: "swift-metrics"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
]
let executableDependencies: [Target.Dependency] = [
    "ZooterServiceKit", "ZooterRPC", "ZooterWire", "ZooterCore",
    .product(name: "Logging", package: "swift-log"),
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
]

let package = Package(
    name: "Zooter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "zooter-router", targets: ["zooter-router"]),
        .executable(name: "zooter-reward", targets: ["zooter-reward"]),
        .executable(name: "zooter-tagger", targets: ["zooter-tagger"]),
        .executable(name: "zooter-trainer", targets: ["zooter-trainer"]),
        .executable(name: "zooter-gateway", targets: ["zooter-gateway"]),
        // For services that call the router: `RouterClient`, `HealthProbe`, and the message types.
        .library(name: "ZooterClient", targets: ["ZooterClient"]),
        // Only for the separate fuzzing package (Fuzz/, scripts/fuzz): another package can reach
        // these modules only through a library product. Adds no build step to `swift build`.
        .library(name: "ZooterFuzzing", targets: [
            "ZooterRPC", "ZooterWire", "ZooterCore", "ZooterServiceKit", "ZooterRouter", "ZooterTagger", "ZooterReward",
        ]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        // The gateway's HTTP/1.1 edge (server) and its calls to the experts (client).
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // The gateway's exchange log (SQLite, WAL), read back by the trainer's drift and export.
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    ],
    targets: [
        // MARK: C libraries (shim headers only)
        .systemLibrary(
            name: "CNGHTTP2", pkgConfig: "libnghttp2", providers: [.apt(["libnghttp2-dev"])]),
        .systemLibrary(
            name: "CProtobufC", pkgConfig: "libprotobuf-c", providers: [.apt(["libprotobuf-c-dev"])]),
        // protoc-c output for Protos/, committed; regenerate with scripts/gen-protos.
        .target(name: "ZooterProtoC", dependencies: ["CProtobufC"]),

        // MARK: Wrappers (the only Swift code that touches the C libraries)
        .target(name: "ZooterHTTP2", dependencies: ["CNGHTTP2"]),
        .target(name: "ZooterWire", dependencies: ["CProtobufC", "ZooterProtoC"]),

        // MARK: Core (tokenizer, safetensors, SIMD encoder, labels, KL loss, heads, AdamW, evaluation)
        .target(name: "ZooterVectorMath"),
        .target(name: "ZooterKernelsAVX512", dependencies: ["ZooterVectorMath"], swiftSettings: avx512Settings),
        .target(name: "ZooterCore", dependencies: ["ZooterVectorMath", "ZooterKernelsAVX512"]),

        // MARK: Transport
        .target(
            name: "ZooterRPC",
            dependencies: [
                "ZooterHTTP2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),

        // MARK: Services
        .target(
            name: "ZooterServiceKit",
            dependencies: [
                "ZooterRPC", "ZooterWire", "ZooterCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            // The gRPC reflection index, written by scripts/gen-protos from Protos/.
            resources: [.copy("Resources/reflection.json")]),
        .target(name: "ZooterTagger", dependencies: serviceDependencies, resources: [.copy("Resources/taxonomy.json")]),
        .target(name: "ZooterReward", dependencies: serviceDependencies + [.product(name: "AsyncHTTPClient", package: "async-http-client")]),
        .target(name: "ZooterRouter", dependencies: serviceDependencies),
        .target(name: "ZooterTrainer", dependencies: ["ZooterServiceKit", "ZooterRPC", "ZooterWire", "ZooterCore", "ZooterExchangeLog"]),
        // The exchange log: what the gateway served, with rewards and routing probabilities (SQLite).
        .target(name: "ZooterExchangeLog", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // The OpenAI-compatible edge: routes, forwards to the experts, falls back along the ranking.
        .target(
            name: "ZooterGateway",
            dependencies: serviceDependencies + ["ZooterClient", "ZooterExchangeLog",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // The client library other Swift packages depend on (README, "Calling the router").
        .target(name: "ZooterClient", dependencies: ["ZooterRPC", "ZooterWire"]),

        // MARK: Executables (thin @main wrappers)
        .executableTarget(name: "zooter-router", dependencies: ["ZooterRouter"] + executableDependencies),
        .executableTarget(name: "zooter-reward", dependencies: ["ZooterReward"] + executableDependencies),
        .executableTarget(name: "zooter-tagger", dependencies: ["ZooterTagger"] + executableDependencies),
        .executableTarget(name: "zooter-gateway", dependencies: ["ZooterGateway"] + executableDependencies),
        .executableTarget(name: "zooter-trainer", dependencies: ["ZooterTrainer", "ZooterClient", "ZooterExchangeLog"] + executableDependencies),
        // The README's Swift example, built and run against a live router by the tests.
        .executableTarget(name: "zooter-example-route", dependencies: ["ZooterClient"], path: "Examples/swift-route"),
        // Encoder benchmark (not a test): scripts/bench-encoder runs it beside onnxruntime.
        .executableTarget(name: "zooter-bench-encoder", dependencies: ["ZooterCore", "ZooterKernelsAVX512"]),

        // MARK: Tests
        // Shared by the test targets: child processes awaited without blocking a thread.
        .target(name: "ZooterTestSupport", path: "Tests/ZooterTestSupport"),
        .testTarget(name: "ZooterHTTP2Tests", dependencies: ["ZooterHTTP2"]),
        .testTarget(name: "ZooterWireTests", dependencies: ["ZooterWire", "ZooterTestSupport"]),
        .testTarget(name: "ZooterCoreTests", dependencies: ["ZooterCore", "ZooterVectorMath"]),
        .testTarget(name: "ZooterGatewayTests", dependencies: ["ZooterGateway", "ZooterExchangeLog", "ZooterTestSupport", "ZooterCore", "ZooterServiceKit", "ZooterRPC",
                                                                .product(name: "HTTPTypes", package: "swift-http-types"),
                                                                .product(name: "NIOCore", package: "swift-nio"),
                                                                .product(name: "NIOEmbedded", package: "swift-nio")]),
        .testTarget(
            name: "ZooterTaggerTests",
            dependencies: ["ZooterTagger", "ZooterCore", "ZooterServiceKit", "ZooterWire",
                           .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(
            name: "ZooterEndToEndTests",
            dependencies: ["ZooterRouter", "ZooterTrainer", "ZooterCore", "ZooterRPC", "ZooterWire", "ZooterTestSupport", "ZooterClient",
                           "zooter-router", "zooter-reward", "zooter-tagger", "zooter-trainer", "zooter-example-route",
                           "zooter-gateway", "ZooterGateway", "ZooterExchangeLog"]),
        .testTarget(
            name: "ZooterServiceKitTests",
            dependencies: ["ZooterServiceKit", "ZooterRPC", "ZooterWire", "ZooterTestSupport", .product(name: "Logging", package: "swift-log"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "NIOPosix", package: "swift-nio")]),
        .testTarget(
            name: "ZooterRPCTests",
            dependencies: [
                "ZooterRPC", "ZooterHTTP2", "ZooterTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + swiftSettings
}
