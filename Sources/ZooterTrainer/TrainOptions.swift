public import Foundation
public import ZooterServiceKit
public import ZooterRPC
public import ZooterCore

/// What `zooter-trainer train` was asked to do.
public struct TrainOptions: Sendable {
    public var dataset: URL
    public var out: URL
    /// Tagger address; nil: use the dataset's own source/tags.
    public var tagger: String?
    /// Reward replicas ("host:port,host:port"); needed with `rescore`.
    public var reward: String?
    /// Router to push the artifact to; nil: only write it.
    public var router: String?
    public var rescore = false
    /// Train on the first N examples only (demos, tests).
    public var limit: Int?
    public var modelDirectory: URL
    public var threads: Int
    /// The router's admin token, for pushing the artifact.
    public var adminToken: AdminToken?
    public var folds = 5
    public var seeds = 3
    public var seed: UInt64 = 1
    /// Fit this many k-means clusters of the query embeddings and write `centroids.safetensors`
    /// for the tagger's latent tags (`zooter-tagger --centroids`); 0 = none.
    public var latentClusters = 0
    public var cacheDirectory: URL
    /// Fine-tune the encoder's top layers with the routing loss (nil: the frozen encoder).
    public var fineTuning: FineTuningConfiguration?
    /// How to connect to the tagger, reward replicas and router (TLS or plaintext).
    public var client = ClientConfiguration()

    public init(dataset: URL, out: URL, modelDirectory: URL, threads: Int, cacheDirectory: URL) {
        self.dataset = dataset
        self.out = out
        self.modelDirectory = modelDirectory
        self.threads = threads
        self.cacheDirectory = cacheDirectory
    }
}
