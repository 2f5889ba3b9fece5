public import Foundation

/// The built-in reward scorer: a linear Bradley–Terry score of a response,
/// `reward = w_s · ResponseStatistics(query, response) + w_e · embedding(response)`.
///
/// Linear on purpose: with the few thousand judged pairs a team has, the MLP on
/// `[q, r, q⊙r, |q−r|]` this replaced overfitted to 0.573 held-out agreement with the judge on
/// alpaca-eval-13b, below the 0.61 of "the longer response wins"; this model is above that
/// baseline on every fold (docs/reward-backends.md has the figures). The score is only meaningful
/// for comparing responses (Bradley–Terry fixes no offset), which is all its users do.
public final class RewardModel: Sendable {
    /// One weight per `ResponseStatistics.names` entry, applied to the raw statistic.
    public let statisticsWeights: [Float]
    /// One weight per coordinate of the response's unit-norm embedding.
    public let embeddingWeights: [Float]
    /// Width of the encoder embedding the model was fitted on.
    public var dimension: Int { embeddingWeights.count }
    /// sha256 of the file this model writes (`safetensorsData()`), for `Info` and cache keys.
    public let version: String

    static let formatRole = "zooter-reward-model-linear"
    static let maxWeight: Float = 1e6

    public init(statisticsWeights: [Float], embeddingWeights: [Float]) throws(CoreError) {
        func fail(_ message: String) -> CoreError { .headWeights(FileProblem(path: "reward model", message: message)) }
        guard statisticsWeights.count == ResponseStatistics.names.count else {
            throw fail("expected \(ResponseStatistics.names.count) statistics weights, got \(statisticsWeights.count)")
        }
        guard (1...HeadWeights.maxDimension).contains(embeddingWeights.count) else {
            throw fail("embedding width \(embeddingWeights.count) is outside 1...\(HeadWeights.maxDimension)")
        }
        // Bounded so that no score can overflow: statistics are at most a few hundred and embedding
        // coordinates at most 1, so |score| stays far below Float's range. A fitted model's
        // weights are orders of magnitude smaller.
        guard (statisticsWeights + embeddingWeights).allSatisfy({ $0.isFinite && abs($0) <= Self.maxWeight }) else {
            throw fail("weights must be finite and at most \(Self.maxWeight) in magnitude")
        }
        self.statisticsWeights = statisticsWeights
        self.embeddingWeights = embeddingWeights
        self.version = SHA256.hex(Self.safetensors(statisticsWeights, embeddingWeights))
    }

    /// Rewards from statistics rows (`[pairs][names.count]`) and response embeddings (`[pairs][dimension]`).
    public func score(statistics: Matrix, embeddings: Matrix) -> [Double] {
        precondition(statistics.rows == embeddings.rows && statistics.columns == statisticsWeights.count
                     && embeddings.columns == dimension, "one statistics row and one embedding per response")
        return zip(HeadKernels.rowDots(statistics, statisticsWeights), HeadKernels.rowDots(embeddings, embeddingWeights))
            .map { Double($0 + $1) }
    }

    /// Rewards for (query, response) pairs whose responses are already embedded.
    public func score(_ pairs: [(query: String, response: String)], responseEmbeddings: Matrix) -> [Double] {
        let statistics = pairs.flatMap { ResponseStatistics.compute(query: $0.query, response: $0.response) }
        return score(statistics: Matrix(rows: pairs.count, columns: statisticsWeights.count, values: statistics),
                     embeddings: responseEmbeddings)
    }

    public func safetensorsData() -> Data { Self.safetensors(statisticsWeights, embeddingWeights) }

    private static func safetensors(_ statistics: [Float], _ embedding: [Float]) -> Data {
        var writer = SafeTensorsWriter(metadata: ["format-role": formatRole,
                                                  "statistics": ResponseStatistics.names.joined(separator: ",")])
        writer.add("statistics.weight", shape: [statistics.count], values: statistics[...])
        writer.add("embedding.weight", shape: [embedding.count], values: embedding[...])
        return writer.data
    }

    public func save(to url: URL) throws(CoreError) {
        do {
            try safetensorsData().write(to: url, options: .atomic)
        } catch {
            throw CoreError.headWeights(FileProblem(path: url.path, message: "cannot write (\(error.localizedDescription))", cause: error))
        }
    }

    /// With `dimension`, the file must fit that encoder (checked before the weights are read).
    public static func load(from url: URL, dimension: Int? = nil) throws(CoreError) -> RewardModel {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw CoreError.headWeights(FileProblem(path: url.path, message: "cannot read (\(error.localizedDescription))", cause: error))
        }
        return try load(safetensors: data, name: url.path, dimension: dimension)
    }

    /// A model file's bytes, validated like a file on disk (the fuzzer feeds this).
    public static func load(safetensors data: Data, name: String, dimension: Int? = nil) throws(CoreError) -> RewardModel {
        func fail(_ message: String) -> CoreError { .headWeights(FileProblem(path: name, message: message)) }
        let file: SafeTensorsFile
        do {
            file = try SafeTensorsFile(bytes: data, name: name)
        } catch {
            throw CoreError.headWeights(FileProblem(path: name, message: "not a valid safetensors file: \(error)", cause: error))
        }
        guard file.metadata["format-role"] == formatRole else {
            throw fail("not a zooter reward model of this version (format-role '\(file.metadata["format-role"] ?? "none")', expected '\(formatRole)'); refit it with `zooter-trainer train-reward`")
        }
        let names = ResponseStatistics.names.joined(separator: ",")
        guard file.metadata["statistics"] == names else {
            throw fail("its statistics '\(file.metadata["statistics"] ?? "none")' are not this build's '\(names)'; refit it with `zooter-trainer train-reward`")
        }
        guard let embedding = file.tensors["embedding.weight"], embedding.shape.count == 1 else {
            throw fail("missing tensor 'embedding.weight' of rank 1")
        }
        if let dimension, embedding.shape[0] != dimension {
            throw fail("the model was fitted on \(embedding.shape[0])-wide embeddings; this encoder produces \(dimension)")
        }
        guard (1...HeadWeights.maxDimension).contains(embedding.shape[0]) else {
            throw fail("embedding width \(embedding.shape[0]) is outside 1...\(HeadWeights.maxDimension)")
        }
        do {
            return try RewardModel(statisticsWeights: file.floats("statistics.weight", shape: [ResponseStatistics.names.count]),
                                   embeddingWeights: file.floats("embedding.weight", shape: embedding.shape))
        } catch let error as CoreError {
            throw CoreError.headWeights(FileProblem(path: name, message: "\(error)", cause: error))
        } catch {
            throw fail("\(error)")
        }
    }
}
