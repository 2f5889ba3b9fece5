import Foundation
import Glibc

/// Waits for a file to be written, through inotify on its folder: the test reacts to the write
/// itself instead of re-reading the file on a timer.
enum FileGrowth {
    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Returns once `file` exists and is not empty, or once `writerGone` says nothing will write
    /// it any more (each `poll` is bounded so that is noticed promptly).
    static func waitUntilNotEmpty(_ file: URL, writerGone: () -> Bool) async throws {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else { throw Failure(description: "inotify_init1: errno \(errno)") }
        defer { close(fd) }
        // Watch first, then check: a write between the two is still seen.
        let folder = file.deletingLastPathComponent().path
        guard inotify_add_watch(fd, folder, UInt32(IN_CREATE | IN_MODIFY | IN_MOVED_TO | IN_CLOSE_WRITE)) >= 0 else {
            throw Failure(description: "inotify_add_watch \(folder): errno \(errno)")
        }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while (try? FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0 == 0 {
            if writerGone() { return }
            try Task.checkCancellation()
            var request = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&request, 1, 100) > 0 {
                _ = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }  // drain the events
            }
        }
    }
}
