import Foundation

/// Where a training run's artifact goes: `OUT/versions/<model version>/`, with `OUT/current`
/// pointing at the newest one.
///
/// A router may start (or a person may copy the folder) at any moment of a run, so an artifact
/// never appears half-written: it is written to a hidden folder beside its final place and
/// renamed into place, and `current` is a symlink replaced by `rename(2)`, so it names either the
/// old version or the new one, both complete. Old versions stay for rollback: point `current`
/// at one (`ln -sfn versions/<v> current.tmp && mv -T current.tmp current`).
enum ArtifactPublisher {
    static let versionsFolder = "versions"
    static let currentLink = "current"

    /// Writes `write`'s files as version `version` under `out` and makes it current; its folder.
    static func publish(version: String, under out: URL, write: (URL) throws -> Void) throws -> URL {
        let fm = FileManager.default
        guard !version.isEmpty, !version.contains("/"), !version.hasPrefix(".") else {
            throw TrainerError.publish("model version '\(version)' cannot name a folder")
        }
        let versions = out.appendingPathComponent(versionsFolder, isDirectory: true)
        try fm.createDirectory(at: versions, withIntermediateDirectories: true)
        let final = versions.appendingPathComponent(version, isDirectory: true)
        let staging = versions.appendingPathComponent(".writing-\(version)-\(UUID().uuidString)", isDirectory: true)
        try fm.createDirectory(at: staging, withIntermediateDirectories: false)
        do {
            try write(staging)
            try rename(staging, to: final)
        } catch {
            try? fm.removeItem(at: staging)
            throw error
        }
        // The link is relative, so the whole OUT folder can be moved or mounted elsewhere.
        let link = out.appendingPathComponent(currentLink)
        let pending = out.appendingPathComponent(".\(currentLink)-\(UUID().uuidString)")
        guard symlink("\(versionsFolder)/\(version)", pending.path) == 0 else {
            throw TrainerError.publish("cannot create the link \(pending.path): \(String(cString: strerror(errno)))")
        }
        do { try rename(pending, to: link) } catch {
            try? fm.removeItem(at: pending)
            throw error
        }
        return final
    }

    /// rename(2): atomic, and replaces a symlink (not the folder it points to) at the target.
    private static func rename(_ source: URL, to target: URL) throws {
        guard Foundation.rename(source.path, target.path) == 0 else {
            throw TrainerError.publish("cannot move \(source.path) to \(target.path): \(String(cString: strerror(errno)))")
        }
    }
}
