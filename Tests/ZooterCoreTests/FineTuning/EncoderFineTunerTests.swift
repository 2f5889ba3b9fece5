import Foundation
import Testing
@testable import ZooterCore

/// Fine-tuning the real MiniLM's top layers with the routing loss: it learns what the frozen head
/// cannot, gives the same model for any thread count, refuses recipes it cannot run, and inside
/// `evaluate` never reads a test reward.
@Suite struct EncoderFineTunerTests {
    /// Three topics; expert t is right on topic t. Sixty short queries.
    static func topics() -> (queries: [String], topic: [Int]) {
        let subjects = [["the equation", "the integral", "the derivative", "the matrix", "the prime factors"],
                        ["the soup", "the bread dough", "the roast chicken", "the pasta sauce", "the pancakes"],
                        ["the python script", "the sql query", "the rust compiler error", "the git merge", "the docker build"]]
        let frames = ["How do I fix %@?", "Explain %@ step by step.", "What is wrong with %@?", "Help me with %@ please."]
        var queries: [String] = [], topic: [Int] = []
        for (t, list) in subjects.enumerated() {
            for subject in list {
                for frame in frames {
                    queries.append(frame.replacingOccurrences(of: "%@", with: subject))
                    topic.append(t)
                }
            }
        }
        return (queries, topic)
    }

    static func targets(_ topic: [Int]) -> Matrix {
        var m = Matrix(rows: topic.count, columns: 3, repeating: 0.05)
        for (row, t) in topic.enumerated() { m[row, t] = 0.9 }
        return m
    }

    /// The topic queries through the five frozen layers, split 3 : 1 into training and
    /// validation rows, a head of `architecture` that knows only the prior (all the routing must
    /// be learned), and a recipe that learns them in a few epochs.
    struct TopicSetup {
        let parameters: EncoderParameters
        let topic: [Int]
        let lower: [[Float]]
        let training: [Int]
        let validation: [Int]
        let head: HeadWeights
        var recipe: FineTuningConfiguration
    }

    static func topicSetup(head architecture: HeadArchitecture) throws -> TopicSetup {
        let encoder = try #require(TestSupport.encoder)
        let parameters = try EncoderParameters(modelDirectory: TestSupport.modelDirectory)
        let (queries, topic) = Self.topics()
        let lower = try encoder.hiddenStates(tokenIDs: queries.map { encoder.tokenize($0, limit: 32) }, layers: 5)
        var generator = SeededGenerator(seed: 1)
        let head = HeadWeights.initial(architecture: architecture, prior: [1.0 / 3, 1.0 / 3, 1.0 / 3],
                                       experts: ["math", "cooking", "code"], generator: &generator)
        var recipe = FineTuningConfiguration()
        recipe.layers = 1
        recipe.epochs = 4
        recipe.batchSize = 8
        recipe.encoderLearningRate = 1e-4
        recipe.headLearningRate = 3e-2
        recipe.seed = 7
        return TopicSetup(parameters: parameters, topic: topic, lower: lower,
                          training: (0..<queries.count).filter { $0 % 4 != 0 },
                          validation: Array(stride(from: 0, to: queries.count, by: 4)), head: head, recipe: recipe)
    }

    @Test(.enabled(if: TestSupport.modelAvailable, "needs models/"))
    func fineTuningLearnsWhatTheFrozenHeadCannotAndDoesNotDependOnThreads() throws {
        let setup = try Self.topicSetup(head: HeadArchitecture(kind: .linear, inputs: 384, outputs: 3))
        let (parameters, topic, lower, training, validation, head) =
            (setup.parameters, setup.topic, setup.lower, setup.training, setup.validation, setup.head)
        var recipe = setup.recipe
        func run(threads: Int) throws -> FineTunedEncoder {
            recipe.threads = threads
            return try EncoderFineTuner.train(parameters: parameters, lower: lower, targets: Self.targets(topic),
                                              trainRows: training, validationRows: validation, head: head, configuration: recipe)
        }
        let one = try run(threads: 1), two = try run(threads: 2)
        #expect(one.bestEpoch >= 1, "\(one.history)")
        let history = one.history.map { $0.validationLoss ?? .infinity }
        #expect(history[one.bestEpoch] < 0.5 * history[0], "validation KL \(history)")
        // Every validation query is routed to its topic's expert.
        let chosen = RoutingPolicy.argmax.choose(one.probabilities(lower: lower, rows: validation))
        #expect(chosen == validation.map { topic[$0] })
        // Same seed, other thread count: bit-identical model.
        #expect(one.head == two.head)
        #expect(one.bestEpoch == two.bestEpoch)
        #expect(one.embeddings(lower: lower, rows: validation) == two.embeddings(lower: lower, rows: validation))
        // The refit: a fixed number of epochs on all rows, no validation rows needed.
        recipe.threads = 2
        let refit = try EncoderFineTuner.train(parameters: parameters, lower: lower, targets: Self.targets(topic),
                                               trainRows: Array(topic.indices), validationRows: [], head: head,
                                               configuration: recipe, epochs: 2)
        #expect(refit.bestEpoch == 2 && refit.history.count == 3 && refit.history.allSatisfy { $0.validationLoss == nil })
        #expect(throws: CoreError.self) {
            try EncoderFineTuner.train(parameters: parameters, lower: lower, targets: Self.targets(topic), trainRows: training,
                                       validationRows: [], head: head, configuration: recipe, epochs: recipe.epochs + 1)
        }
        // Judged by the reward of the experts chosen on the validation rows: with the routing's
        // own reward, the trained epoch routes all of them right; with a reward for routing
        // wrong, the KL still falls but the frozen start (epoch 0) is kept.
        func reward(rightIs value: Double) -> (Matrix) -> Double {
            { probabilities in
                let chosen = RoutingPolicy.argmax.choose(probabilities)
                return zip(validation, chosen).reduce(0.0) { $0 + ($1.1 == topic[$1.0] ? value : 1 - value) } / Double(validation.count)
            }
        }
        let byReward = try EncoderFineTuner.train(parameters: parameters, lower: lower, targets: Self.targets(topic), trainRows: training,
                                                  validationRows: validation, head: head, configuration: recipe,
                                                  validationReward: reward(rightIs: 1))
        #expect(byReward.bestEpoch >= 1 && byReward.history[byReward.bestEpoch].validationReward == 1, "\(byReward.history)")
        let perverse = try EncoderFineTuner.train(parameters: parameters, lower: lower, targets: Self.targets(topic), trainRows: training,
                                                  validationRows: validation, head: head, configuration: recipe,
                                                  validationReward: reward(rightIs: 0))
        #expect(perverse.bestEpoch == 0 && perverse.history.count == 2, "\(perverse.history)")
        #expect(perverse.history[1].validationLoss! < perverse.history[0].validationLoss!)
        // The trained layer lands in the parameters under its checkpoint names; the rest is untouched.
        var updated = parameters
        one.apply(to: &updated)
        let changed = updated.tensors.keys.filter { updated.tensors[$0] != parameters.tensors[$0] }
        #expect(!changed.isEmpty && changed.allSatisfy { $0.contains("encoder.layer.5.") }, "\(changed.sorted())")
    }

    @Test(.enabled(if: TestSupport.modelAvailable, "needs models/"))
    func aRecipeThatCannotTrainIsRefused() throws {
        let parameters = try EncoderParameters(modelDirectory: TestSupport.modelDirectory)
        var generator = SeededGenerator(seed: 1)
        let linear = HeadWeights.initial(architecture: HeadArchitecture(kind: .linear, inputs: 384, outputs: 2),
                                         prior: [0.5, 0.5], experts: ["a", "b"], generator: &generator)
        let narrow = HeadWeights.initial(architecture: HeadArchitecture(kind: .mlp, inputs: 100, hidden: 4, outputs: 2),
                                         prior: [0.5, 0.5], experts: ["a", "b"], generator: &generator)
        let wide = HeadWeights.initial(architecture: HeadArchitecture(kind: .linear, inputs: 384, outputs: 3),
                                       prior: [0.3, 0.3, 0.4], experts: ["a", "b", "c"], generator: &generator)
        let lower = [[Float](repeating: 0.1, count: 3 * 384), [Float](repeating: 0.2, count: 2 * 384), []]
        let targets = Matrix(rows: 3, columns: 2, repeating: 0.5)
        func attempt(_ change: (inout FineTuningConfiguration) -> Void, head: HeadWeights? = nil,
                     train: [Int] = [0], validation: [Int] = [1]) {
            var recipe = FineTuningConfiguration()
            change(&recipe)
            #expect(throws: CoreError.self) {
                try EncoderFineTuner.train(parameters: parameters, lower: lower, targets: targets, trainRows: train,
                                           validationRows: validation, head: head ?? linear, configuration: recipe)
            }
        }
        attempt { $0.layers = 0 }
        attempt { $0.layers = 7 }
        attempt { $0.epochs = 0 }
        attempt { $0.encoderLearningRate = .nan }
        attempt { $0.clipNorm = 0 }
        attempt({ _ in }, head: narrow)         // not the encoder's width
        attempt({ _ in }, head: wide)           // not the targets' experts
        attempt { $0.headHiddenUnits = -1 }
        attempt({ _ in }, train: [2])          // a row without hidden states
        attempt({ _ in }, validation: [])
        attempt({ _ in }, train: [5])          // outside the data
    }

    @Test func batchesCoverEveryRowOnceAndGroupSimilarLengths() {
        var generator = SeededGenerator(seed: 3)
        let lengths = (0..<1000).map { _ in 2 + generator.int(below: 300) }
        let rows = Array(0..<1000).filter { $0 % 7 != 0 }
        let batches = EncoderFineTuner.batches(rows, lengths: lengths, size: 32, generator: &generator)
        #expect(batches.flatMap { $0 }.sorted() == rows)
        #expect(batches.allSatisfy { (1...32).contains($0.count) })
        // Sorted buckets: a batch spans far less than the whole length range.
        let spans = batches.map { batch in batch.map { lengths[$0] }.max()! - batch.map { lengths[$0] }.min()! }
        #expect(spans.reduce(0, +) / spans.count < 60, "mean span \(spans.reduce(0, +) / spans.count)")
        let schedule = EncoderFineTuner.Schedule(steps: 100, warmupFraction: 0.1)
        #expect(schedule.factor(0) < schedule.factor(9) && schedule.factor(10) == 1 && schedule.factor(99) < 0.02)
    }

    /// The fine-tuned ZOOTER inside an outer fold: poisoning the test rows' rewards changes none of
    /// its choices.
    @Test(.enabled(if: TestSupport.modelAvailable, "needs models/"))
    func evaluationNeverReadsATestRewardWhenFineTuning() throws {
        let encoder = try #require(TestSupport.encoder)
        let (queries, topic) = Self.topics()
        let dataset = RoutingDataset(experts: ["math", "cooking", "code"], examples: queries.indices.map { i in
            RoutingExample(id: "\(i)", query: queries[i], source: ["m", "c", "p"][topic[i]],
                           rewards: (0..<3).map { $0 == topic[i] ? 1 : (i % 5 == 0 ? 1 : 0) })
        })
        let embeddings = try encoder.embed(queries)
        var recipe = FineTuningConfiguration()
        recipe.layers = 1
        recipe.epochs = 2
        recipe.batchSize = 8
        recipe.threads = 2
        let inputs = FineTuningInputs(parameters: try EncoderParameters(modelDirectory: TestSupport.modelDirectory),
                                      lower: try encoder.hiddenStates(tokenIDs: queries.map { encoder.tokenize($0, limit: 32) }, layers: 5),
                                      configuration: recipe)
        let rewards = try #require(dataset.rewardMatrix())
        let folds = CrossValidation.folds(count: dataset.count, folds: 3, seed: 2)
        let testRows = folds[0], trainRows = (folds[1] + folds[2]).sorted()
        var configuration = EvaluatorTests.smallConfiguration()
        configuration.grid.heads = [.linear]
        func run(_ table: RewardTable) -> FoldRunner.Outcome {
            let tags = TagSource.source.assign(dataset: dataset, embeddings: embeddings, trainingRows: trainRows, seed: 2)
            return FoldRunner(embeddings: embeddings, rewards: table, tags: tags, experts: dataset.experts, trainRows: trainRows,
                              testRows: testRows, seed: 2, fold: 0, configuration: configuration, observer: nil,
                              fineTuning: inputs).run()
        }
        let clean = run(rewards)
        var values = rewards.values
        for r in testRows { for e in 0..<3 { values[r * 3 + e] = e == 0 ? 1e6 : .nan } }
        let poisoned = run(RewardTable(rows: rewards.rows, experts: 3, values: values))
        #expect(clean.choices[.zooterFineTuned] != nil)
        #expect(poisoned.choices[.zooterFineTuned] == clean.choices[.zooterFineTuned])
        #expect(poisoned.selections[.zooterFineTuned] == clean.selections[.zooterFineTuned])
    }

    /// `--finetune-head-hidden`: the top layer trains together with an MLP head, and the routing
    /// it learns is the topics' (the head starts from the prior only).
    @Test(.enabled(if: TestSupport.modelAvailable, "needs models/"))
    func fineTuningTrainsAnMLPHeadWithTheLayer() throws {
        let setup = try Self.topicSetup(head: HeadArchitecture(kind: .mlp, inputs: 384, hidden: 16, outputs: 3))
        let (parameters, topic, lower, training, validation, head) =
            (setup.parameters, setup.topic, setup.lower, setup.training, setup.validation, setup.head)
        var recipe = setup.recipe
        recipe.headHiddenUnits = 16
        recipe.threads = 2
        let tuned = try EncoderFineTuner.train(parameters: parameters, lower: lower, targets: Self.targets(topic),
                                               trainRows: training, validationRows: validation, head: head, configuration: recipe)
        #expect(tuned.bestEpoch >= 1, "\(tuned.history)")
        #expect(tuned.head.architecture == head.architecture && tuned.head != head)
        let chosen = RoutingPolicy.argmax.choose(tuned.probabilities(lower: lower, rows: validation))
        #expect(chosen == validation.map { topic[$0] })
    }

    /// `--finetune-beta`: any β in [0, 1] trains, anything else is refused with the range.
    @Test(arguments: [(0.0, true), (0.3, true), (1.0, true), (-0.1, false), (1.5, false), (Double.nan, false)])
    func labelBetaMustBeAProbability(beta: Double, valid: Bool) {
        var recipe = FineTuningConfiguration()
        recipe.labelBeta = beta
        let accepted = (try? recipe.validate(layerCount: 6)) != nil
        #expect(accepted == valid, "β \(beta)")
    }
}
