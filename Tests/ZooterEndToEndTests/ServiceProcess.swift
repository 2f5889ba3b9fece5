import Foundation
import ZooterTestSupport

/// A built Zooter executable run as a child process (the same binaries the demo and containers
/// run), with its output collected so the test can read the port it bound.
typealias ServiceProcess = ChildProcess

extension ChildProcess {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// Tests and executables come from one `swift build`; the test bundle sits beside them.
    static let binDirectory: URL = {
        if let path = ProcessInfo.processInfo.environment["ZOOTER_BIN_DIR"] { return URL(fileURLWithPath: path) }
        let candidates = [Bundle.main.executableURL?.deletingLastPathComponent(), Bundle.main.bundleURL,
                          Bundle.main.bundleURL.deletingLastPathComponent()].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("zooter-router").path) }
            ?? root.appendingPathComponent(".build/release")
    }()

    /// Starts one of our executables from the build folder, in the repository root.
    convenience init(_ executable: String, _ arguments: [String], name: String? = nil) throws {
        try self.init(path: Self.binDirectory.appendingPathComponent(executable), arguments, name: name ?? executable,
                      currentDirectory: Self.root)
    }
}
