import Foundation

/// Reads and checks the small JSON files of a model folder.
public enum ModelFolder {
    /// The encoder folder used when none is given: `$ZOOTER_MODEL_DIR`, else the one
    /// `scripts/setup` fetches. Every command and service takes its default from here.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["ZOOTER_MODEL_DIR"] ?? "models/all-MiniLM-L6-v2"
    }

    /// Decodes `url` as JSON, turning every failure into a `CoreError.modelFile` naming `name`.
    static func decode<T: Decodable>(_ type: T.Type, at url: URL, name: String) throws -> T {
        guard let value = try decodeIfPresent(type, at: url, name: name) else {
            throw CoreError.modelFile(FileProblem(path: name, message: "file not found at \(url.path)"))
        }
        return value
    }

    /// As `decode`, but nil when the file does not exist.
    static func decodeIfPresent<T: Decodable>(_ type: T.Type, at url: URL, name: String) throws -> T? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CoreError.modelFile(FileProblem(path: name, message: "cannot be read (\(error.localizedDescription))", cause: error))
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw CoreError.modelFile(FileProblem(path: name, message: "missing field '\(key.stringValue)'"))
        } catch let DecodingError.typeMismatch(_, context) {
            throw CoreError.modelFile(FileProblem(path: name, message: "field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"))
        } catch {
            throw CoreError.modelFile(FileProblem(path: name, message: "is not valid JSON (\(error.localizedDescription))", cause: error))
        }
    }

    /// Checks `1_Pooling/config.json`: the encoder implements mean pooling only. A folder without
    /// the file is rejected too, since its pooling cannot be known.
    static func checkPooling(folder: URL, hiddenSize: Int) throws {
        let name = "1_Pooling/config.json"
        let pooling = try decode(PoolingConfiguration.self, at: folder.appendingPathComponent(name), name: name)
        guard pooling.meanTokens == true, pooling.clsToken != true, pooling.maxTokens != true,
              pooling.meanSqrtLengthTokens != true else {
            throw CoreError.modelFile(FileProblem(path: name, message: "only mean pooling (pooling_mode_mean_tokens = true, all other modes false) is supported"))
        }
        if let dimension = pooling.dimension, dimension != hiddenSize {
            throw CoreError.modelFile(FileProblem(path: name, message: "word_embedding_dimension \(dimension) disagrees with hidden_size \(hiddenSize) in config.json"))
        }
    }

    /// The token limit: `sentence_bert_config.json`'s `max_seq_length`, else
    /// `max_position_embeddings`; never more than the position table holds.
    static func maxSequenceLength(folder: URL, maxPositions: Int) throws -> Int {
        let name = "sentence_bert_config.json"
        guard let config = try decodeIfPresent(SentenceBertConfiguration.self, at: folder.appendingPathComponent(name), name: name),
              let limit = config.maxSequenceLength else { return maxPositions }
        guard limit >= 2, limit <= maxPositions else {
            throw CoreError.modelFile(FileProblem(path: name, message: "max_seq_length \(limit) must be between 2 and max_position_embeddings \(maxPositions)"))
        }
        return limit
    }
}
