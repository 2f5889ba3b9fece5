public import ZooterCore
public import ZooterRPC
public import ZooterServiceKit
public import ZooterWire

/// `zooter.v1.Tagger`: taxonomy tags by embedding similarity, latent (k-means cluster) tags, and
/// the caller's own tags passed through, each with its score.
public final class TaggerService: Sendable {
    public static let serviceName = "zooter.v1.Tagger"
    public static let version = "1"
    public static let maxQueries = 256
    public static let defaultMaxTags = 3

    let matcher: TagMatcher
    let taxonomy: Taxonomy
    /// Centroids fitted by the trainer; query i gets the tag "latent/<nearest centroid>".
    let latent: KMeans?
    let encoder: TextEncoder
    let batcher: ComputeBatcher<String, [Float]>

    public init(taxonomy: Taxonomy, matcher: TagMatcher, latent: KMeans?, encoder: TextEncoder,
                batcher: ComputeBatcher<String, [Float]>) {
        self.taxonomy = taxonomy
        self.matcher = matcher
        self.latent = latent
        self.encoder = encoder
        self.batcher = batcher
    }

    public var methods: [RPCMethod] {
        [
            .unary("/zooter.v1.Tagger/Tag") { (request: TagRequest, _) in try await self.tag(request) },
            .unary("/zooter.v1.Tagger/Info") { (_: TaggerInfoRequest, _) in
                TaggerInfoResponse(
                    taxonomy: self.taxonomy.tags.map { TaxonomyTag(name: $0.name, description: $0.description) },
                    latentClusters: UInt32(self.latent?.centroids.rows ?? 0),
                    encoder: EncoderInfo(name: self.encoder.identity.name, sha256: self.encoder.identity.weightsSHA256,
                                         dimension: UInt32(self.encoder.dimension), maxTokens: UInt32(self.encoder.maxSequenceLength)),
                    tagger: "zooter-taxonomy", version: "\(Self.version)/\(self.taxonomy.version)",
                    maxBatch: UInt32(Self.maxQueries))
            },
        ]
    }

    func tag(_ request: TagRequest) async throws -> TagResponse {
        guard request.queries.count <= Self.maxQueries else {
            throw RPCError(code: .invalidArgument, message: "Tag carries \(request.queries.count) queries; the limit is \(Self.maxQueries): split the batch")
        }
        guard request.maxTags <= 32 else {
            throw RPCError(code: .invalidArgument, message: "max_tags is \(request.maxTags); ask for at most 32")
        }
        guard request.minScore.isFinite, request.minScore >= -1, request.minScore <= 1 else {
            throw RPCError(code: .invalidArgument, message: "min_score must be a cosine similarity in [-1, 1]")
        }
        for (index, query) in request.queries.enumerated() {
            try TextLimit.check(query.query, field: "queries[\(index)].query")
            if query.query.allSatisfy(\.isWhitespace) {
                throw RPCError(code: .invalidArgument, message: "queries[\(index)].query is empty: send the text to tag")
            }
            if let bad = query.givenTags.first(where: { $0.isEmpty || $0.utf8.count > 128 }) {
                throw RPCError(code: .invalidArgument, message: "queries[\(index)] has a given tag '\(RPCError.quote(bad))' that is empty or longer than 128 bytes")
            }
        }
        let maxTags = request.maxTags == 0 ? Self.defaultMaxTags : Int(request.maxTags)
        let rows = try await batcher.submit(request.queries.map(\.query))
        let results = zip(request.queries, rows).map { query, embedding in
            var tags = query.givenTags.map { ScoredTag(name: $0, score: 1, origin: .given) }
            for hit in matcher.tags(for: embedding[...], maxTags: maxTags, minScore: request.minScore) {
                tags.append(ScoredTag(name: hit.name, score: hit.score, origin: .taxonomy))
            }
            if let latent {
                let cluster = latent.nearest(embedding[...])
                let similarity = TagMatcher.dot(latent.centroids.row(cluster), embedding[...])
                tags.append(ScoredTag(name: "latent/\(cluster)", score: similarity, origin: .latent))
            }
            return QueryTags(tags: tags)
        }
        return TagResponse(results: results, tagger: "zooter-taxonomy", taggerVersion: "\(Self.version)/\(taxonomy.version)")
    }
}
