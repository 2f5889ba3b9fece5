import CoreMetrics
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import ZooterExchangeLog
import ZooterRPC
import ZooterWire

/// The live reward loop's first half: a sampled fraction of answered exchanges is queued (bounded:
/// when full, an exchange is dropped and counted, never waited for, so requests are never
/// slowed), scored off the request path on the reward service in batches, and appended to the
/// SQLite exchange log with the routing probabilities and model version. On SIGTERM it runs after
/// the HTTP server has finished its requests and writes what is queued; a crash loses the queue
/// (at most `queue_size` exchanges), never a written batch.
final class ExchangeRecorder: Service, Sendable {
    let settings: ExchangeLogSettings
    let store: ExchangeLogStore
    let reward: GRPCClient?
    let rewardTimeout: Duration
    /// Tags the logged queries (nil: logged without tags); closed with the recorder.
    let tagger: GRPCClient?
    let logger: Logger
    private let pending = Mutex<[LoggedExchange]>([])
    private let wakeUp: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let logged = Counter(label: MetricCatalog.gatewayExchangesLogged.name)
    private let dropped = Counter(label: MetricCatalog.gatewayExchangesDropped.name)
    private let unscored = Counter(label: MetricCatalog.gatewayExchangesUnscored.name)
    static let batchSize = 64

    init(settings: ExchangeLogSettings, reward: GRPCClient?, rewardTimeout: Duration, tagger: GRPCClient?, logger: Logger) throws {
        self.settings = settings
        self.reward = reward
        self.rewardTimeout = rewardTimeout
        self.tagger = tagger
        self.logger = logger
        do { store = try ExchangeLogStore(path: settings.path, mode: .write) } catch {
            throw GatewayError.configuration("exchange_log: cannot open \(settings.path): \(error)")
        }
        (wakeUp, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `exchange` if it is sampled and there is room; returns at once either way.
    func offer(_ exchange: @autoclosure () -> LoggedExchange) {
        guard settings.sampleRate > 0, Double.random(in: 0..<1) < settings.sampleRate else { return }
        let queued = pending.withLock { queue -> Bool in
            guard queue.count < settings.queueSize else { return false }
            queue.append(exchange())
            return true
        }
        if queued { wake.yield() } else { dropped.increment() }
    }

    func run() async throws {
        prune()
        var lastPrune = ContinuousClock.now
        for await _ in wakeUp.cancelOnGracefulShutdown() {
            await drain()
            if ContinuousClock.now - lastPrune > .seconds(3600) {
                prune()
                lastPrune = ContinuousClock.now
            }
        }
        await drain()   // shutdown: what is queued is written
        await tagger?.close()
    }

    /// Scores and writes everything queued, a batch at a time.
    private func drain() async {
        while true {
            let batch = pending.withLock { queue -> [LoggedExchange] in
                let batch = Array(queue.prefix(Self.batchSize))
                queue.removeFirst(batch.count)
                return batch
            }
            guard !batch.isEmpty else { return }
            var rows = await scored(await tagged(batch))
            if !settings.storeText {
                for index in rows.indices { rows[index].query = nil; rows[index].answer = nil }
            }
            do {
                try store.append(rows)
                logged.increment(by: rows.count)
            } catch {
                logger.error("exchange log: a batch could not be written", metadata: ["rows": "\(rows.count)", "error": "\(error)"])
            }
        }
    }

    /// `batch` with the reward service's score of each answer (rewards stay nil when it fails).
    private func scored(_ batch: [LoggedExchange]) async -> [LoggedExchange] {
        guard let reward else { return batch }
        let pairs = batch.enumerated().compactMap { index, exchange -> ScorePair? in
            guard let query = exchange.query, let answer = exchange.answer, !query.isEmpty, !answer.isEmpty else { return nil }
            return ScorePair(id: String(index), query: query, response: answer)
        }
        guard !pairs.isEmpty else { return batch }
        var rows = batch
        do {
            let reply = try await reward.unary(path: "/zooter.v1.RewardScorer/Score", request: ScoreRequest(pairs: pairs).wireBytes(), timeout: rewardTimeout)
            let response = try ScoreResponse(wireBytes: reply.message)
            for result in response.results {
                guard let index = Int(result.id), rows.indices.contains(index) else { continue }
                rows[index].reward = result.reward
                rows[index].scorer = "\(response.scorer)@\(response.scorerVersion)"
            }
        } catch {
            unscored.increment(by: pairs.count)
            logger.warning("exchange log: the reward service could not score a batch; logged without rewards",
                           metadata: ["rows": "\(pairs.count)", "error": "\(error)"])
        }
        return rows
    }

    /// `batch` with the tagger's tags of each query (none when it fails: the rows are kept).
    private func tagged(_ batch: [LoggedExchange]) async -> [LoggedExchange] {
        guard let tagger else { return batch }
        var rows = batch
        do {
            let request = TagRequest(queries: batch.map { TagQuery(query: $0.query ?? "") }, maxTags: 3)
            let reply = try await tagger.unary(path: "/zooter.v1.Tagger/Tag", request: request.wireBytes(), timeout: rewardTimeout)
            let results = try TagResponse(wireBytes: reply.message).results
            for (index, result) in zip(rows.indices, results) {
                let names = result.tags.map(\.name)
                rows[index].tags = String(decoding: (try? JSONSerialization.data(withJSONObject: names, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8), as: UTF8.self)
            }
        } catch {
            logger.warning("exchange log: the tagger could not tag a batch; logged without tags", metadata: ["rows": "\(batch.count)", "error": "\(error)"])
        }
        return rows
    }

    private func prune() {
        guard let days = settings.retentionDays else { return }
        do {
            let removed = try store.prune(before: Date().addingTimeInterval(-Double(days) * 86_400))
            if removed > 0 { logger.info("exchange log: retention removed old exchanges", metadata: ["rows": "\(removed)", "days": "\(days)"]) }
        } catch {
            logger.error("exchange log: retention could not delete old exchanges", metadata: ["error": "\(error)"])
        }
    }
}
