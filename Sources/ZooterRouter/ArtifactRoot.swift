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

    /// Artifact directories under the root (the root itself and its direct subfolders that hold a
    /// manifest), newest manifest first: the order a starting router tries them in.
    public func candidates(manifestFile: String) -> [URL] {
        let fm = FileManager.default
        var found: [(url: URL, modified: Date)] = []
        let children = (try? fm.contentsOfDirectory(at: url, includingPropertiesForKeys: nil)) ?? []
        for directory in [url] + children {
            let manifest = directory.appendingPathComponent(manifestFile)
            guard let attributes = try? fm.attributesOfItem(atPath: manifest.path),
                  let modified = attributes[.modificationDate] as? Date,
                  (try? resolve(directory.path)) != nil else { continue }
            found.append((directory, modified))
        }
        return found.sorted { $0.modified > $1.modified }.map(\.url)
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
