import Foundation
import ZooterCore
import ZooterWire

/// Turns a fitted router into the artifact the router loads: `manifest.binpb` (ModelManifest),
/// `head.safetensors`, plus `manifest.json`, `report.json` and `report.html` for people.
struct ArtifactBuilder {
    let dataset: RoutingDataset
    let encoder: TextEncoder
    let fitted: FittedRouter
    let report: EvaluationReport
    let rewardSource: String
    let tagger: String
    /// SHA-256 of the fine-tuned encoder's weights, written to `encoderFolder` (nil: the frozen encoder).
    var fineTunedEncoderSHA256: String? = nil
    static let encoderFolder = "encoder"

    func build() throws -> ModelArtifact {
        let head = Array(fitted.weights.safetensorsData(metadata: ["encoder": encoder.identity.description]))
        let headSHA = SHA256.hex(head)
        let created = Date()
        let stamp = ISO8601DateFormatter().string(from: created).replacingOccurrences(of: ":", with: "")
        let architecture = fitted.weights.architecture
        let manifest = ModelManifest(
            formatVersion: 1,
            modelVersion: "zooter-\(stamp)-\(headSHA.prefix(8))",
            experts: experts(),
            encoder: encoder.identity.name,
            encoderSHA256: fineTunedEncoderSHA256 ?? encoder.identity.weightsSHA256,
            headKind: architecture.kind == .mlp ? .mlp : .linear,
            hiddenSize: UInt32(architecture.hidden),
            embeddingDimension: UInt32(encoder.dimension),
            rewardTransform: transform(fitted.labels.transform),
            temperature: fitted.labels.temperature,
            beta: fitted.labels.beta,
            tagSource: tagger == "dataset" ? .dataset : .datasetAndTagger,
            tags: Array(Set(dataset.examples.flatMap(\.tags))).sorted(),
            datasetSHA256: dataset.identity?.filesSHA256 ?? "",
            rewardSource: rewardSource,
            tagger: tagger,
            metrics: metrics(),
            createdUnixSeconds: UInt64(created.timeIntervalSince1970),
            confidenceThreshold: Double(fitted.threshold),
            fallbackExpert: dataset.experts[fitted.fallbackExpert],
            headSHA256: headSHA, datasetSelection: dataset.identity?.selection ?? "",
            encoderPath: fineTunedEncoderSHA256 == nil ? "" : Self.encoderFolder)
        return ModelArtifact(manifest: manifest, headSafetensors: head)
    }

    /// Experts with the costs `Route`'s λ multiplies: relative to the most expensive expert, from
    /// experts.json prices, else the dataset's realised costs, else sizes (`ExpertCosts`).
    func experts() -> [Expert] {
        let facts = Dictionary((dataset.expertFacts ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let costs = ExpertCosts.of(dataset)
        return dataset.experts.enumerated().map { index, name in
            Expert(name: name, cost: costs.relative[index], paramsB: facts[name]?.parametersBillions ?? 0,
                   kind: facts[name]?.kind ?? "")
        }
    }

    func metrics() -> [String: Double] {
        var out: [String: Double] = [:]
        for method in report.methods {
            out["\(method.method.rawValue).mean_reward"] = method.meanReward
            out["\(method.method.rawValue).delta_vs_best_single"] = method.deltaVsBestSingle
            if let gap = method.gapClosed { out["\(method.method.rawValue).gap_closed"] = gap }
        }
        out["queries"] = Double(dataset.count)
        return out
    }

    func transform(_ g: ZooterCore.RewardTransform) -> ZooterWire.RewardTransform {
        switch g {
        case .identity: .identity
        case .standardize: .standardize
        case .logit: .logit
        }
    }

    static func write(_ artifact: ModelArtifact, report: EvaluationReport, to directory: URL) throws {
        guard let manifest = artifact.manifest else { return }
        try Data(manifest.wireBytes()).write(to: directory.appendingPathComponent("manifest.binpb"), options: .atomic)
        try Data(artifact.headSafetensors).write(to: directory.appendingPathComponent("head.safetensors"), options: .atomic)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: directory.appendingPathComponent("report.json"), options: .atomic)
        try Data(report.html().utf8).write(to: directory.appendingPathComponent("report.html"), options: .atomic)
        let readable: [String: String] = [
            "model_version": manifest.modelVersion, "encoder": "\(manifest.encoder)@\(manifest.encoderSHA256)",
            "experts": manifest.experts.map(\.name).joined(separator: ","), "fallback_expert": manifest.fallbackExpert,
            "reward_source": manifest.rewardSource, "tagger": manifest.tagger, "dataset_sha256": manifest.datasetSHA256, "dataset_selection": manifest.datasetSelection,
            "head_sha256": manifest.headSHA256, "temperature": "\(manifest.temperature)", "beta": "\(manifest.beta)",
            "confidence_threshold": "\(manifest.confidenceThreshold)", "encoder_path": manifest.encoderPath,
        ]
        try encoder.encode(readable).write(to: directory.appendingPathComponent("manifest.json"), options: .atomic)
    }
}
