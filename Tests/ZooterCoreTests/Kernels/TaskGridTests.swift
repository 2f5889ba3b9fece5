import Testing
@testable import ZooterCore

/// How a multi-threaded GEMM is cut into blocks: every output element in exactly one block, and
/// the split each kernel width measured fastest.
@Suite struct TaskGridTests {
    @Test func blocksCoverEveryRowAndPanelExactlyOnce() {
        for width in VectorWidth.allCases {
            for (rows, panels, threads) in [(1, 24, 2), (7, 3, 2), (256, 96, 2), (512, 72, 2), (2048, 24, 2), (9000, 96, 2),
                                            (16384, 96, 2), (100, 1, 8), (512, 24, 16)] {
                let grid = TaskGrid(rows: rows, panels: panels, threads: threads, vectorWidth: width)
                var covered = [Int](repeating: 0, count: rows * panels)
                for task in 0..<grid.count {
                    let block = grid.block(task)
                    for row in block.rows { for panel in block.panels { covered[row * panels + panel] += 1 } }
                }
                #expect(covered.allSatisfy { $0 == 1 }, "\(width) rows \(rows) panels \(panels) threads \(threads)")
                // About 4 blocks per thread (a row chunk count that does not divide 4 × threads rounds up).
                #expect(grid.count < 8 * threads && grid.count >= min(threads, rows, panels))
            }
        }
    }

    @Test func wideKernelsSplitColumnsUpTo1024RowsNarrowOnesSplitRows() {
        // 16 sentences × 32 tokens through the 384 → 1,536 layer, 2 threads.
        let wide = TaskGrid(rows: 512, panels: 96, threads: 2, vectorWidth: .avx512)
        #expect(wide.rowChunks == 1 && wide.panelGroups == 8)
        let narrow = TaskGrid(rows: 512, panels: 96, threads: 2, vectorWidth: .avx2)
        #expect(narrow.rowChunks == 8 && narrow.panelGroups == 1)
        let tall = TaskGrid(rows: 8192, panels: 96, threads: 2, vectorWidth: .avx512)
        #expect(tall.rowChunks == 8 && tall.panelGroups == 1)
        // Too few panel pairs for 16 threads: row chunks make up the count.
        let narrowOutput = TaskGrid(rows: 512, panels: 2, threads: 16, vectorWidth: .avx512)
        #expect(narrowOutput.rowChunks > 1)
        #expect(TaskGrid(rows: 512, panels: 96, threads: 1, vectorWidth: .avx512).count == 1)
    }
}
