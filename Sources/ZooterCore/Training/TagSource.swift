/// Where the tags for label enhancement (and the per-tag peer) come from.
public enum TagSource: Sendable, Equatable, Hashable, Codable, CustomStringConvertible {
    /// The dataset's `source` field only.
    case source
    /// `source` plus the dataset's `tags` list.
    case datasetTags
    /// k-means clusters of the query embeddings (k-means++ init, seeded, fitted on training rows).
    case kmeans(Int)
    /// No tags: label enhancement has nothing to add and the per-tag peer is the best single model.
    case none

    /// Parses `source`, `tags`, `kmeans:K` or `none`.
    public init?(argument: String) {
        switch argument {
        case "source": self = .source
        case "tags": self = .datasetTags
        case "none": self = .none
        default:
            guard argument.hasPrefix("kmeans:"), let k = Int(argument.dropFirst(7)), k >= 2 else { return nil }
            self = .kmeans(k)
        }
    }

    public var description: String {
        switch self {
        case .source: return "source"
        case .datasetTags: return "tags"
        case .kmeans(let k): return "kmeans:\(k)"
        case .none: return "none"
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = TagSource(argument: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "unknown tag source \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Tags for every row. Dataset tags need no fitting; k-means fits its centroids on
    /// `trainingRows` only and then assigns every row (test rows included) to its nearest centroid,
    /// which uses nothing but the row's own embedding.
    public func assign(dataset: RoutingDataset, embeddings: Matrix, trainingRows: [Int], seed: UInt64) -> [[String]] {
        switch self {
        case .source:
            return dataset.examples.map { $0.source.map { [$0] } ?? [] }
        case .datasetTags:
            return dataset.examples.map { example in
                var tags = example.source.map { [$0] } ?? []
                for tag in example.tags where !tags.contains(tag) { tags.append(tag) }
                return tags
            }
        case .none:
            return [[String]](repeating: [], count: dataset.count)
        case .kmeans(let k):
            let model = KMeans.fit(embeddings, rows: trainingRows, clusters: k, seed: seed)
            return model.assign(embeddings).map { ["cluster:\($0)"] }
        }
    }
}
