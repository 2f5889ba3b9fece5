/// The right-hand operand of a GEMM, packed once into column panels for the micro-kernel.
///
/// Logical shape `[depth][columns]` (`B` in `C = A · B`). Storage holds `panelCount` panels; panel
/// `p` covers columns `16p ..< 16p + 16` laid out `[depth][16]` (row `k` of the panel is 16
/// consecutive floats), zero-padded past `columns`. The micro-kernel then streams one panel with
/// two aligned-width SIMD8 loads per `k`, no strides. An optional bias `[columns]` is stored
/// zero-padded to `panelCount * 16` so the epilogue loads it as whole vectors.
struct PackedMatrix: Sendable {
    static let panelWidth = 16

    let depth: Int
    let columns: Int
    let storage: [Float]
    let bias: [Float]?

    var panelCount: Int { (columns + Self.panelWidth - 1) / Self.panelWidth }

    /// Packs a PyTorch `nn.Linear` weight, row-major `[out][in]`, as `B = Wᵀ` (`depth = in`,
    /// `columns = out`), so `y[t] = x[t] · Wᵀ + bias`.
    init(linearWeight weight: [Float], outFeatures: Int, inFeatures: Int, bias: [Float]?) {
        precondition(weight.count == outFeatures * inFeatures, "linear weight must be [out][in]")
        precondition(bias.map { $0.count == outFeatures } ?? true, "bias must be [out]")
        let width = Self.panelWidth
        let panels = (outFeatures + width - 1) / width
        var packed = [Float](repeating: 0, count: panels * inFeatures * width)
        for out in 0..<outFeatures {
            let panelBase = (out / width) * inFeatures * width + out % width
            let rowBase = out * inFeatures
            for k in 0..<inFeatures {
                packed[panelBase + k * width] = weight[rowBase + k]
            }
        }
        self.depth = inFeatures
        self.columns = outFeatures
        self.storage = packed
        self.bias = bias.map { Self.padded($0, to: panels * width) }
    }

    /// Packs a row-major `[depth][columns]` matrix `B` as is.
    init(rowMajor matrix: [Float], depth: Int, columns: Int, bias: [Float]? = nil) {
        precondition(matrix.count == depth * columns, "matrix must be [depth][columns]")
        let width = Self.panelWidth
        let panels = (columns + width - 1) / width
        var packed = [Float](repeating: 0, count: panels * depth * width)
        for k in 0..<depth {
            for column in 0..<columns {
                packed[(column / width) * depth * width + k * width + column % width] =
                    matrix[k * columns + column]
            }
        }
        self.depth = depth
        self.columns = columns
        self.storage = packed
        self.bias = bias.map { Self.padded($0, to: panels * width) }
    }

    private static func padded(_ values: [Float], to count: Int) -> [Float] {
        values + [Float](repeating: 0, count: count - values.count)
    }
}
