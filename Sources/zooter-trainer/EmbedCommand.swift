import ArgumentParser
import Foundation
import ZooterCore
import ZooterTrainer

/// `zooter-trainer embed`: JSONL texts → raw little-endian float32 embeddings.
///
/// Input lines are JSON objects with a string field "text" (other fields ignored; blank lines
/// are errors, since every line must yield one output row). Output: one row of `dimension`
/// float32 per input line, in input order, no header.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Embed the \"text\" field of every JSONL line into raw little-endian float32 rows.")

    @Option(name: .long, help: "Model folder (Hugging Face BERT sentence-transformers layout).")
    var model = "models/all-MiniLM-L6-v2"

    @Option(name: .long, help: "Input JSONL file; each line a JSON object with a string \"text\".")
    var input: String

    @Option(name: .long, help: "Output file of raw little-endian float32, one row per input line.")
    var output: String

    @Option(name: .long, help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .long, help: "Texts per encoder call.")
    var batch: Int = 32

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
    }

    func run() throws {
        let texts = try Self.readTexts(at: URL(fileURLWithPath: input))
        let encoder = try TextEncoder(modelDirectory: URL(fileURLWithPath: model), threads: threads)
        guard FileManager.default.createFile(atPath: output, contents: nil) else {
            throw TrainerError.input("cannot create output file \(output)")
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        defer { try? handle.close() }
        for start in stride(from: 0, to: texts.count, by: batch) {
            let embeddings = try encoder.embed(Array(texts[start..<min(texts.count, start + batch)]))
            try handle.write(contentsOf: Self.littleEndianBytes(embeddings.values))
        }
        let message = "embedded \(texts.count) texts with \(encoder.identity) (dimension \(encoder.dimension)) into \(output)\n"
        FileHandle.standardError.write(Data(message.utf8))
    }

    /// Reads and validates every line; errors name the 1-based line number.
    static func readTexts(at url: URL) throws -> [String] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TrainerError.input("cannot read \(url.path): \(error.localizedDescription)", cause: error)
        }
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        return try lines.enumerated().map { index, line in
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line))
            } catch {
                throw TrainerError.input("\(url.lastPathComponent) line \(index + 1): not valid JSON")
            }
            guard let fields = object as? [String: Any], let text = fields["text"] as? String else {
                throw TrainerError.input("\(url.lastPathComponent) line \(index + 1): expected a JSON object with a string field \"text\"")
            }
            return text
        }
    }

    static func littleEndianBytes(_ values: [Float]) -> Data {
        var bytes = Data(capacity: values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            bytes.append(contentsOf: [UInt8(truncatingIfNeeded: bits), UInt8(truncatingIfNeeded: bits >> 8),
                                      UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 24)])
        }
        return bytes
    }
}
