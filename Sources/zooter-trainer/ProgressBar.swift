import Foundation
import Synchronization

/// The one progress bar of the trainer's commands: a line on stderr redrawn in place, only when
/// stderr is a terminal (logs and CI output stay clean). The library reports progress through
/// callbacks; drawing is the command's business.
final class ProgressBar: Sendable {
    static let isTerminal = isatty(2) != 0
    /// The last count drawn per label, so concurrent reports never move a bar backwards.
    private let drawn = Mutex<[String: Int]>([:])

    func show(_ label: String, _ done: Int, _ total: Int) {
        guard Self.isTerminal, total > 0 else { return }
        drawn.withLock { drawn in
            guard done > drawn[label, default: -1] else { return }
            drawn[label] = done
            let width = 30
            let filled = min(width, width * done / total)
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            FileHandle.standardError.write(Data(("\r\(label) [\(bar)] \(done)/\(total)" + (done >= total ? "\n" : "")).utf8))
        }
    }
}
