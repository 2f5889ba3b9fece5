import Foundation
import Testing
@testable import ZooterRouter
@testable import ZooterTrainer

/// Artifacts appear whole or not at all, `current` moves atomically, and a starting router
/// follows `current` (also in a subfolder of its root) rather than the newest folder.
@Suite struct ArtifactPublishingTests {
    func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-publish-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func writeManifest(_ text: String) -> (URL) throws -> Void {
        { folder in try Data(text.utf8).write(to: folder.appendingPathComponent("manifest.binpb")) }
    }

    @Test func publishingMovesCurrentAndKeepsOldVersions() throws {
        let out = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        let first = try ArtifactPublisher.publish(version: "v1", under: out, write: writeManifest("one"))
        let second = try ArtifactPublisher.publish(version: "v2", under: out, write: writeManifest("two"))
        #expect(first.lastPathComponent == "v1" && second.lastPathComponent == "v2")
        let current = out.appendingPathComponent("current")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: current.path) == "versions/v2", "relative, so the folder can move")
        #expect(try String(contentsOf: current.appendingPathComponent("manifest.binpb"), encoding: .utf8) == "two")
        #expect(try String(contentsOf: first.appendingPathComponent("manifest.binpb"), encoding: .utf8) == "one", "kept for rollback")
        // No staging folder or pending link is left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("versions").path).sorted() == ["v1", "v2"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).sorted() == ["current", "versions"])
    }

    @Test func aFailedWriteLeavesCurrentWhereItWas() throws {
        let out = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: out) }
        _ = try ArtifactPublisher.publish(version: "v1", under: out, write: writeManifest("one"))
        struct DiskFull: Error {}
        #expect(throws: DiskFull.self) {
            try ArtifactPublisher.publish(version: "v2", under: out) { folder in
                try Data("half".utf8).write(to: folder.appendingPathComponent("manifest.binpb"))
                throw DiskFull()
            }
        }
        #expect(try String(contentsOf: out.appendingPathComponent("current/manifest.binpb"), encoding: .utf8) == "one")
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("versions").path) == ["v1"])
        #expect(throws: TrainerError.self) { try ArtifactPublisher.publish(version: "../escape", under: out, write: writeManifest("x")) }
    }

    @Test func aStartingRouterPrefersCurrentOverTheNewestFolder() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("router-model")
        let v1 = try ArtifactPublisher.publish(version: "v1", under: out, write: writeManifest("one"))
        _ = try ArtifactPublisher.publish(version: "v2", under: out, write: writeManifest("two"))
        // Roll back: current → v1, although v2's manifest is newer.
        let pending = out.appendingPathComponent("rollback")
        try FileManager.default.createSymbolicLink(atPath: pending.path, withDestinationPath: "versions/v1")
        #expect(rename(pending.path, out.appendingPathComponent("current").path) == 0)
        // A plain artifact folder with an even newer manifest comes after what `current` names.
        let plain = root.appendingPathComponent("plain")
        try FileManager.default.createDirectory(at: plain, withIntermediateDirectories: true)
        try writeManifest("plain")(plain)
        // Hostile or broken links are not followed: `current` at the root pointing outside it (at a
        // folder with a valid-looking manifest), and a dangling `current` in another subfolder.
        let outside = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: outside) }
        try writeManifest("outside")(outside)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("current").path, withDestinationPath: outside.path)
        let dangling = root.appendingPathComponent("dangling")
        try FileManager.default.createDirectory(at: dangling, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dangling.appendingPathComponent("current").path, withDestinationPath: "versions/none")
        let candidates = try ArtifactRoot(root.path).candidates(manifestFile: "manifest.binpb")
        #expect(candidates.map(\.lastPathComponent) == ["v1", "plain"])
        #expect(candidates.first?.path.hasSuffix("/router-model/versions/\(v1.lastPathComponent)") == true)
    }
}
