/// A Linear layer, y = x Wᵀ + b with W `[out][in]`, and its backward pass, all three products on
/// the serving GEMM (`Kernels.linear`): W is packed per call as the forward's `[in] → [out]`, as
/// `[out] → [in]` for dx = dy W, and x as the right operand of dW = dyᵀ x.
enum Dense {
    static func forward(_ x: [Float], rows: Int, _ layer: LinearParameters, gelu: Bool = false,
                        residual: [Float]? = nil, threads: Int) -> [Float] {
        var y = [Float](repeating: 0, count: rows * layer.outputs)
        Kernels.linear(x, rows: rows, weight: PackedMatrix(linearWeight: layer.weight, outFeatures: layer.outputs,
                                                           inFeatures: layer.inputs, bias: layer.bias),
                       gelu: gelu, residual: residual, into: &y, threads: threads)
        return y
    }

    /// Returns dx = dy W; adds dyᵀ x to `gradient.weight` and Σ dy to `gradient.bias`.
    static func backward(_ dy: [Float], input x: [Float], rows: Int, _ layer: LinearParameters,
                         gradient: inout LinearParameters, threads: Int) -> [Float] {
        let out = layer.outputs, inputs = layer.inputs
        var dx = [Float](repeating: 0, count: rows * inputs)
        Kernels.linear(dy, rows: rows, weight: PackedMatrix(rowMajor: layer.weight, depth: out, columns: inputs),
                       into: &dx, threads: threads)
        TrainingKernels.addColumnSums(dy, rows: rows, into: &gradient.bias)
        var updated = [Float](repeating: 0, count: out * inputs)
        Kernels.linear(TrainingKernels.transpose(dy, rows: rows, columns: out), rows: out,
                       weight: PackedMatrix(rowMajor: x, depth: rows, columns: inputs),
                       residual: gradient.weight, into: &updated, threads: threads)
        gradient.weight = updated
        return dx
    }
}
