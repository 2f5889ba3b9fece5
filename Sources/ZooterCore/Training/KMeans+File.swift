public import Foundation

/// Latent-tag centroids on disk: a safetensors file holding one F32 tensor `centroids`
/// `[clusters][dimension]`, written by the trainer and read by the tagger.
extension KMeans {
    public func save(to url: URL) throws {
        var writer = SafeTensorsWriter()
        writer.add("centroids", shape: [centroids.rows, centroids.columns], values: centroids.values[...])
        try writer.data.write(to: url, options: .atomic)
    }

    /// Loads centroids and checks their width against the encoder's.
    public static func load(from url: URL, dimension: Int) throws -> KMeans {
        let file = try SafeTensorsFile(url: url)
        let tensor = try file.tensor("centroids")
        guard tensor.shape.count == 2, tensor.shape[1] == dimension, tensor.shape[0] > 0 else {
            throw CoreError.modelFile(FileProblem(path: url.lastPathComponent, message: "tensor 'centroids' has shape \(tensor.shape); expected [clusters, \(dimension)]"))
        }
        let values = try file.floats("centroids", shape: tensor.shape)
        return KMeans(centroids: Matrix(rows: tensor.shape[0], columns: dimension, values: values))
    }
}
