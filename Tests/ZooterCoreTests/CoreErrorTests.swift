import Foundation
import Testing
import ZooterCore

/// ZooterCore throws one error type whose case names the kind of input that was wrong, and keeps
/// the lower layer's error as the cause instead of flattening it into the message.
@Suite struct CoreErrorTests {
    @Test func anUnreadableDatasetIsADatasetCaseWithItsCause() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        // models.json is a folder: reading it fails in Foundation, with an error of its own.
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("models.json"), withIntermediateDirectories: true)
        do {
            _ = try RoutingDataset.load(directory: folder)
            Issue.record("a dataset whose models.json is a folder loaded")
        } catch {
            guard case .dataset(let problem) = error else { Issue.record("expected .dataset, got \(error)"); return }
            #expect(problem.code == .fileUnreadable)
            #expect(problem.file.hasSuffix("models.json"))
            #expect(problem.cause != nil, "the Foundation error is kept")
        }
    }

    @Test func aBrokenWeightsFileIsAHeadWeightsCaseCausedByTheSafetensorsReader() throws {
        let folder = try TestSupport.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("head.safetensors")
        try Data([9, 0, 0, 0, 0, 0, 0, 0, 1]).write(to: url)  // a header length past the end
        do {
            _ = try HeadWeights.load(from: url)
            Issue.record("a truncated weights file loaded")
        } catch {
            let problem = try #require(error.fileProblem, "expected .headWeights, got \(error)")
            #expect(problem.path == url.path)
            let cause = try #require(problem.cause as? CoreError)
            #expect(cause.modelFileProblem?.message.contains("runs past the end of the file") == true, "\(cause)")
        }
    }

    @Test func encoderInputAndEvaluationProblemsAreTheirOwnCases() throws {
        let error = CoreError.evaluation(.tooFewExperts(1))
        #expect(error.evaluationProblem == .tooFewExperts(1))
        #expect(error.datasetProblem == nil && error.modelFileProblem == nil && error.fileProblem == nil)
        #expect(error.description == "routing needs at least 2 experts, the dataset has 1")
    }
}
