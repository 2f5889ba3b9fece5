import ZooterWire

/// Non-default sample values of every message, shared by the round-trip and interop tests.
/// Floating-point values are exactly representable so that decoded values compare bit-exactly.
enum Fixtures {
    static let unicode = "Wie geht's? \u{4F60}\u{597D} \u{2014} \u{1F680} \u{E9}\u{301} \u{FDFD}"

    static let encoder = EncoderInfo(
        name: "sentence-transformers/all-MiniLM-L6-v2", sha256: String(repeating: "ab", count: 32),
        dimension: 384, maxTokens: 256)

    static let experts = [
        Expert(name: "vicuna-13b", cost: 0.5, paramsB: 13, kind: "chat", endpoint: "http://vicuna:8000/v1"),
        Expert(name: "wizardlm-13b", cost: 1, paramsB: 13.25, kind: "instruct", endpoint: ""),
        Expert(name: unicode, cost: 0, paramsB: 0, kind: "", endpoint: ""),
    ]

    static let manifest = ModelManifest(
        formatVersion: 1, modelVersion: "alpaca-13b-2025-11-29-3f2a", experts: experts,
        encoder: encoder.name, encoderSHA256: encoder.sha256, headKind: .mlp, hiddenSize: 256,
        embeddingDimension: 384, rewardTransform: .logit, temperature: 0.125, beta: 0.75,
        tagSource: .datasetAndTagger, tags: ["coding", "math", unicode], datasetSHA256: String(repeating: "0f", count: 32),
        rewardSource: "dataset", tagger: "zooter-tagger@1", metrics: ["cv_mean_reward": 0.40625, "oracle_reward": 0.625],
        createdUnixSeconds: 1_764_428_400, confidenceThreshold: 0.25, fallbackExpert: "vicuna-13b",
        headSHA256: String(repeating: "9c", count: 32), datasetSelection: "first 800", encoderPath: "encoder")

    static let routeRequest = RouteRequest(
        query: unicode, costWeight: 0.25, allowedExperts: ["vicuna-13b", "wizardlm-13b"], requestID: "req-42", topK: 2)

    static let routeResponse = RouteResponse(
        ranked: [
            ExpertScore(expert: "vicuna-13b", probability: 0.75, cost: 0.5, score: 0.625),
            ExpertScore(expert: "wizardlm-13b", probability: 0.25, cost: 1, score: 0),
        ],
        chosen: "vicuna-13b", modelVersion: manifest.modelVersion, encodeMicros: 1_234,
        totalMicros: 1 << 40, requestID: "req-42", fallbackUsed: true)

    static let artifact = ModelArtifact(manifest: manifest, headSafetensors: [0, 1, 2, 0x7f, 0x80, 0xff])

    static let tagResponse = TagResponse(
        results: [
            QueryTags(tags: [
                ScoredTag(name: "math", score: 1, origin: .given),
                ScoredTag(name: "coding", score: 0.5, origin: .taxonomy),
                ScoredTag(name: "latent/7", score: 0.25, origin: .latent),
            ]),
            QueryTags(tags: []),
        ],
        tagger: "zooter-tagger", taggerVersion: "1")

    static let taggerInfo = TaggerInfoResponse(
        taxonomy: [TaxonomyTag(name: "coding", description: "Writing or fixing code"), TaxonomyTag(name: "math", description: "")],
        latentClusters: 16, encoder: encoder, tagger: "zooter-tagger", version: "1", maxBatch: 64)

    static let scoreRequest = ScoreRequest(pairs: [
        ScorePair(id: "q1/vicuna-13b", query: unicode, response: "Sure! Here is…"),
        ScorePair(id: "", query: "x", response: ""),
    ])

    static let scoreResponse = ScoreResponse(
        results: [ScoredPair(id: "q1/vicuna-13b", reward: -1.5, cached: true), ScoredPair(id: "", reward: 0, cached: false)],
        scorer: "minilm-cosine", scorerVersion: "2", cacheHits: 1)

    static let rewardInfo = RewardInfoResponse(
        scorer: "minilm-cosine", version: "2", encoder: encoder, maxBatch: 128, replicaID: "reward-0")
}
