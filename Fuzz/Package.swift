// swift-tools-version:5.4
// Coverage-guided fuzzing (libFuzzer) of the Zooter package. A package of its own so that a plain
// `swift build` of the main package never sees sanitizer flags or these targets. Build and run
// with scripts/fuzz, which passes `-sanitize=fuzzer,address -parse-as-library -enable-testing`
// (libFuzzer supplies `main`; `@testable import` reaches internal APIs).
//
// Tools version 5.4 on purpose: from 5.5 on, SwiftPM renames an executable's entry point to
// `<module>_main` and links with `--defsym main=<module>_main`, which fails for a libFuzzer
// target (it has no Swift entry point; `main` comes from libFuzzer). 5.4 links plainly.
import PackageDescription

// The main package, by name: a path dependency's identity would otherwise be its folder's name.
let zooter = Target.Dependency.product(name: "ZooterFuzzing", package: "Zooter")

let package = Package(
    name: "ZooterFuzz",
    dependencies: [
        .package(name: "Zooter", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    ],
    targets: [
        // Bytes into a server connection: HTTP/2, gRPC framing, dispatch, the real services.
        .executableTarget(name: "fuzz-connection", dependencies: [
            zooter,
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Protobuf decoding of every message type, with a round-trip check.
        .executableTarget(name: "fuzz-decode", dependencies: [zooter]),
        // The safetensors reader behind head, reward-model and centroid files.
        .executableTarget(name: "fuzz-safetensors", dependencies: [zooter]),
        // The BERT tokenizer on arbitrary text.
        .executableTarget(name: "fuzz-tokenizer", dependencies: [zooter]),
    ]
)
