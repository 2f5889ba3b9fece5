import Foundation
public import ZooterCore
public import ZooterRPC
import ZooterWire

/// Scores every (query, response) of a dataset on the reward replicas.
///
/// Work goes out in batches, several in flight so every replica is busy; the client spreads them
/// round-robin and fails over when a replica is unavailable. A batch that still fails with a
/// transient status (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED) is retried with
/// exponential backoff. Results are journaled as they arrive, so nothing scored is ever lost.
public struct Rescorer: Sendable {
    public var batchSize = 24
    /// Batches in flight: at least this many, and two per replica the client currently knows
    /// (it re-resolves its target, so replicas added during a run get work too).
    public var concurrency = 4
    public var maxAttempts = 8
    public var callTimeout: Duration = .seconds(60)
    let client: GRPCClient

    public init(client: GRPCClient) {
        self.client = client
    }

    struct Job: Sendable {
        var keys: [RewardJournal.Key]
        var request: ScoreRequest
    }

    /// Fills the journal with a reward for every example × expert; returns the reward table rows.
    public func score(_ dataset: RoutingDataset, journal: RewardJournal,
                      progress: (_ done: Int, _ total: Int) -> Void) async throws -> [[Double]] {
        var pending: [(RewardJournal.Key, String, String)] = []
        for example in dataset.examples {
            guard let responses = example.responses else {
                throw TrainerError.input("example '\(example.id)' has no responses: --rescore needs every expert's response")
            }
            for expert in dataset.experts {
                guard let response = responses[expert] else {
                    throw TrainerError.input("example '\(example.id)' has no response from '\(expert)': --rescore needs every expert's response")
                }
                let key = RewardJournal.Key(id: example.id, expert: expert)
                if journal.scores[key] == nil { pending.append((key, example.query, response)) }
            }
        }
        let total = dataset.count * dataset.experts.count
        progress(total - pending.count, total)
        let jobs = stride(from: 0, to: pending.count, by: batchSize).map { start in
            let slice = pending[start..<min(start + batchSize, pending.count)]
            return Job(keys: slice.map(\.0), request: ScoreRequest(pairs: slice.enumerated().map { index, item in
                ScorePair(id: String(index), query: item.1, response: item.2)
            }))
        }
        var next = 0
        var running = 0
        var done = total - pending.count
        try await withThrowingTaskGroup(of: (Job, ScoreResponse).self) { group in
            func launch() {
                while next < jobs.count && running < max(concurrency, 2 * client.addresses.count) {
                    let job = jobs[next]
                    next += 1
                    running += 1
                    group.addTask { (job, try await self.send(job)) }
                }
            }
            launch()
            while let (job, response) = try await group.next() {
                running -= 1
                guard response.results.count == job.keys.count, response.results.allSatisfy({ $0.reward.isFinite }),
                      response.results.map(\.id) == job.request.pairs.map(\.id) else {
                    throw TrainerError.service("a reward replica answered \(response.results.count) scores for \(job.keys.count) pairs (out of order, or non-finite)")
                }
                try journal.append(Array(zip(job.keys, response.results.map(\.reward))))
                done += job.keys.count
                progress(done, total)
                launch()
            }
        }
        return try dataset.examples.map { example in
            try dataset.experts.map { expert in
                guard let reward = journal.scores[RewardJournal.Key(id: example.id, expert: expert)] else {
                    throw TrainerError.service("no reward for '\(example.id)' × '\(expert)' after scoring")
                }
                return reward
            }
        }
    }

    func send(_ job: Job) async throws -> ScoreResponse {
        var delay: Duration = .milliseconds(100)
        var attempt = 1
        while true {
            do {
                let reply = try await client.unary(path: "/zooter.v1.RewardScorer/Score", request: job.request.wireBytes(), timeout: callTimeout)
                return try ScoreResponse(wireBytes: reply.message)
            } catch let error as RPCError where [.unavailable, .deadlineExceeded, .resourceExhausted].contains(error.code) && attempt < maxAttempts {
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
                attempt += 1
            }
        }
    }
}
