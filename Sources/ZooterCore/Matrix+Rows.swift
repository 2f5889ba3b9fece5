extension Matrix {
    /// The rows at `indices`, in that order, as a new `[indices.count][columns]` matrix.
    public func selectingRows(_ indices: [Int]) -> Matrix {
        var values: [Float] = []
        values.reserveCapacity(indices.count * columns)
        for index in indices { values.append(contentsOf: row(index)) }
        return Matrix(rows: indices.count, columns: columns, values: values)
    }
}
