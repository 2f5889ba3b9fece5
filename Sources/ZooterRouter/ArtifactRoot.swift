public import Foundation
public import ZooterRPC

/// The one folder a router reads artifacts from by path (`--artifact-root`).
///
/// `LoadModel.artifact_path` comes from the network: resolved against this folder, symlinks and
/// `..` followed by `realpath`, and refused unless the result is inside it, so a caller cannot
/// make the router read `/etc` or a folder another process controls.
public struct ArtifactRoot: Sendable {
    /// The folder, resolved.
    public let url: URL

    public init(_ path: String) throws(RPCError) {
        guard let resolved = Self.realPath(path) else {
            throw RPCError(code: .failedPrecondition, message: "--artifact-root \(path) does not exist or cannot be resolved")
        }
        url = URL(fileURLWithPath: resolved, isDirectory: true)
    }

    /// The artifact directory `path` names (absolute, or relative to the root), if inside the root.
    public func resolve(_ path: String) throws(RPCError) -> URL {
        let joined = path.hasPrefix("/") ? path : url.path + "/" + path
        guard let resolved = Self.realPath(joined) else {
            throw RPCError(code: .notFound, message: "artifact_path '\(echoPath(path))' does not exist under the artifact root")
        }
        guard resolved == url.path || resolved.hasPrefix(url.path == "/" ? "/" : url.path + "/") else {
            throw RPCError(code: .permissionDenied, message: "artifact_path '\(echoPath(path))' is outside the artifact root \(url.path)")
        }
        return URL(fileURLWithPath: resolved, isDirectory: true)
    }

    /// Artifact directories under the root, in the order a starting router tries them: first what
    /// a `current` link names (the trainer publishes `OUT/versions/<v>` and points `OUT/current`
    /// at it; links at the root and in its direct subfolders count), then any other folder that
    /// holds a manifest (the root and its direct subfolders); newest manifest first within each.
    public func candidates(manifestFile: String) -> [URL] {
        let fm = FileManager.default
        let children = (try? fm.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? []
        func withManifest(_ directories: [URL]) -> [URL] {
            var found: [(url: URL, modified: Date)] = []
            for directory in directories {
                // Resolved (and confined) first: a link to outside the root is not a candidate.
                guard let resolved = try? resolve(directory.path),
                      let attributes = try? fm.attributesOfItem(atPath: resolved.appendingPathComponent(manifestFile).path),
                      let modified = attributes[.modificationDate] as? Date,
                      !found.contains(where: { $0.url == resolved }) else { continue }
                found.append((resolved, modified))
            }
            return found.sorted { $0.modified > $1.modified }.map(\.url)
        }
        let current = withManifest(([url] + children).map { $0.appendingPathComponent("current") })
        let others = withManifest([url] + children).filter { !current.contains($0) }
        return current + others
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private func echoPath(_ path: String) -> String {
        String(path.unicodeScalars.prefix(200).map { (0x20...0x7E).contains($0.value) ? Character($0) : "?" })
    }
}
