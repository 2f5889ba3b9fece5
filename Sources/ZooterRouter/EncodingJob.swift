public import ZooterCore

/// One text to embed and the encoder that embeds it: the router's own, or the fine-tuned encoder
/// of the model a call was routed with. Around a `LoadModel` swap one batch can hold texts for
/// both, and each text must be embedded by the encoder its model's head was trained on.
public struct EncodingJob: Sendable {
    public var text: String
    public var encoder: TextEncoder

    public init(text: String, encoder: TextEncoder) {
        self.text = text
        self.encoder = encoder
    }

    /// Embeds a batch: consecutive jobs of the same encoder in one pass, outputs in input order.
    @Sendable public static func embed(_ jobs: [EncodingJob]) throws -> [[Float]] {
        var rows: [[Float]] = []
        rows.reserveCapacity(jobs.count)
        var start = 0
        while start < jobs.count {
            let encoder = jobs[start].encoder
            var end = start + 1
            while end < jobs.count, jobs[end].encoder === encoder { end += 1 }
            let matrix = try encoder.embed(jobs[start..<end].map(\.text))
            rows += (0..<matrix.rows).map { Array(matrix.row($0)) }
            start = end
        }
        return rows
    }
}
