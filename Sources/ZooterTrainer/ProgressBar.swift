import Foundation

/// A one-line progress bar on stderr, redrawn in place (only when stderr is a terminal).
enum ProgressBar {
    static let isTerminal = isatty(2) != 0

    static func draw(label: String, done: Int, total: Int) {
        guard isTerminal, total > 0 else { return }
        let width = 30
        let filled = min(width, width * done / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let line = "\r\(label) [\(bar)] \(done)/\(total)" + (done >= total ? "\n" : "")
        FileHandle.standardError.write(Data(line.utf8))
    }
}
