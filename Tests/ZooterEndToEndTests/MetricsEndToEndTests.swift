import Foundation
import Testing
import ZooterRPC
import ZooterTestSupport
import ZooterWire

/// The services' Prometheus endpoint, as operators use it: the real executables with
/// `--metrics-port`, the exposition checked by `promtool check metrics`, scraped by a real
/// Prometheus server (Debian's, installed by scripts/setup) and queried through its HTTP API;
/// JSON logs carrying the caller's request id and W3C trace id.
@Suite(.serialized, .timeLimit(.minutes(5))) struct MetricsEndToEndTests {
    static let sample = ServiceProcess.root.appendingPathComponent("data/mmlu-pro-sample")
    static let rescoring = ServiceProcess.root.appendingPathComponent("data/mmlu-pro-rescoring")

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("zooter-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func trainer(_ arguments: [String]) async throws {
        let run = try await ChildProcess.run(ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path, arguments,
                                             currentDirectory: ServiceProcess.root)
        try #require(run.status == 0, "zooter-trainer \(arguments.first ?? ""): \(run.output)\(run.standardError)")
    }

    /// Ports from the JSON log lines: the gRPC listener's and the metrics endpoint's.
    static func ports(_ service: ChildProcess) async throws -> (grpc: Int, metrics: Int) {
        let metrics = try await service.line(matching: #"http://127\.0\.0\.1:\d+/metrics"#)
        let grpc = try await service.line(matching: #""port":"\d+""#)
        let metricsPort = Int(metrics.split(separator: ":").last!.split(separator: "/").first!)!
        return (Int(grpc.filter(\.isNumber))!, metricsPort)
    }

    static func get(_ url: String, method: String = "GET") async throws -> (status: Int, body: String) {
        let run = try await ChildProcess.run("/usr/bin/curl", ["-s", "-X", method, "-w", "\n%{http_code}", url])
        try #require(run.status == 0, "curl \(url): \(run.standardError)")
        let lines = run.output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    static func promtool(_ exposition: String, in folder: URL) async throws -> (status: Int32, output: String) {
        let file = folder.appendingPathComponent("exposition.txt")
        try Data(exposition.utf8).write(to: file)
        let run = try await ChildProcess.run("/bin/sh", ["-c", "/usr/bin/promtool check metrics < '\(file.path)'"])
        return (run.status, run.output + run.standardError)
    }

    /// The value of `series` (exact text up to the value) in an exposition.
    static func value(_ series: String, in exposition: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(series + " ") }.flatMap { Double($0.split(separator: " ").last!) }
    }

    /// A port nothing listens on now (Prometheus takes no port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in(sin_family: sa_family_t(AF_INET), sin_port: 0, sin_addr: in_addr(s_addr: inet_addr("127.0.0.1")), sin_zero: (0, 0, 0, 0, 0, 0, 0, 0))
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else { throw ChildProcess.Failure("no free port") }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    @Test func routerMetricsPassPromtoolAndAreScrapedByARealPrometheus() async throws {
        let work = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        try await Self.trainer(["train", "--dataset", Self.sample.path, "--out", work.appendingPathComponent("model").path,
                                "--limit", "80", "--folds", "2", "--seeds", "1", "--cache", work.appendingPathComponent("cache").path])
        let router = try ServiceProcess("zooter-router", ["--port", "0", "--metrics-port", "0", "--log-format", "json", "--log-level", "debug",
                                                          "--artifact", work.appendingPathComponent("model/current").path])
        defer { router.kill(SIGTERM) }
        let (grpcPort, metricsPort) = try await Self.ports(router)

        try await Self.trainer(["route", "--router", "127.0.0.1:\(grpcPort)", "What is 17 times 23?",
                                "Summarise the causes of the French revolution.", "Which enzyme unwinds DNA?"])
        try await GRPCClient.withClient(target: "127.0.0.1:\(grpcPort)") { client in
            // A made-up method: counted as "unknown", never under the path the client chose.
            await #expect(throws: RPCError.self) { try await client.unary(path: "/evil.Label/\(UUID().uuidString)", request: []) }
            // An admin call with a trace context: refused (no token), and logged with both ids.
            var metadata = Metadata()
            metadata.add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
            metadata.add("x-request-id", "req-42")
            await #expect(throws: RPCError.self) {
                try await client.unary(path: "/zooter.v1.Router/LoadModel", request: LoadModelRequest().wireBytes(), metadata: metadata)
            }
        }
        let refusal = try await router.line(matching: #"\{[^\n]*admin: LoadModel refused[^\n]*\}"#)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(refusal.utf8)) as? [String: String])
        #expect(fields["request_id"] == "req-42" && fields["trace_id"] == "4bf92f3577b34da6a3ce929d0e0e4736"
                && fields["parent_span_id"] == "00f067aa0ba902b7" && fields["level"] == "warning", "\(refusal)")

        let scrape = try await Self.get("http://127.0.0.1:\(metricsPort)/metrics")
        #expect(scrape.status == 200)
        let exposition = scrape.body
        #expect(Self.value(#"zooter_rpc_calls_total{method="/zooter.v1.Router/RouteBatch",code="OK"}"#, in: exposition) == 1)
        #expect(Self.value(#"zooter_rpc_calls_total{method="unknown",code="UNIMPLEMENTED"}"#, in: exposition) == 1)
        #expect(!exposition.contains("evil.Label"), "a client-chosen path must never become a label")
        let routed = exposition.split(separator: "\n").filter { $0.hasPrefix("zooter_router_routes_total{") }
            .compactMap { Double($0.split(separator: " ").last!) }.reduce(0, +)
        #expect(routed == 3)
        #expect(exposition.contains(#"zooter_router_model_info{version="zooter-"#))
        #expect((Self.value("process_resident_memory_bytes", in: exposition) ?? 0) > 10_000_000)
        #expect(Self.value("zooter_encoder_batch_size_count", in: exposition) ?? 0 >= 1)
        let lint = try await Self.promtool(exposition, in: work)
        #expect(lint.status == 0, "promtool check metrics: \(lint.output)")
        // Every metric exported is in the catalog (and so in docs/deploy.md, checked below).
        let names = Set(exposition.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
        #expect(names.isSubset(of: Set(MetricCatalog.all.map(\.name))), "\(names.subtracting(MetricCatalog.all.map(\.name)))")

        // Only GET/HEAD /metrics and /.
        #expect(try await Self.get("http://127.0.0.1:\(metricsPort)/nope").status == 404)
        #expect(try await Self.get("http://127.0.0.1:\(metricsPort)/metrics", method: "POST").status == 405)

        // A real Prometheus scrapes it; the query API answers from what it stored.
        let prometheusPort = try Self.freePort()
        let configuration = """
            global: {scrape_interval: 1s}
            scrape_configs:
              - job_name: zooter-router
                static_configs: [{targets: ["127.0.0.1:\(metricsPort)"]}]

            """
        try Data(configuration.utf8).write(to: work.appendingPathComponent("prometheus.yml"))
        let prometheus = try ChildProcess(path: URL(fileURLWithPath: "/usr/bin/prometheus"),
                                          ["--config.file=\(work.appendingPathComponent("prometheus.yml").path)",
                                           "--storage.tsdb.path=\(work.appendingPathComponent("tsdb").path)",
                                           "--web.listen-address=127.0.0.1:\(prometheusPort)"], name: "prometheus")
        defer { prometheus.kill(SIGTERM) }
        _ = try await prometheus.line(matching: "Server is ready to receive web requests")
        // The router logs each scrape (debug). A scrape loop appends and commits one scrape before
        // it starts the next, so once the second Prometheus scrape arrives, the first is stored.
        let prometheusScrape = #"metrics scraped","user_agent":"Prometheus/"#
        _ = try await router.line(matching: prometheusScrape + #"[\s\S]*"# + prometheusScrape)
        let answer = try await Self.get("http://127.0.0.1:\(prometheusPort)/api/v1/query?query=sum(zooter_router_routes_total)").body
        let result = try #require(try JSONSerialization.jsonObject(with: Data(answer.utf8)) as? [String: Any], "\(answer)")
        let data = try #require(result["data"] as? [String: Any])
        let vector = try #require((data["result"] as? [[String: Any]])?.first?["value"] as? [Any], "\(answer)")
        #expect(vector.last as? String == "3", "\(answer)")
    }

    @Test func rewardScorerCountsCacheHitsAndMisses() async throws {
        let work = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        try await Self.trainer(["train-reward", "--dataset", Self.rescoring.path, "--out", work.appendingPathComponent("reward").path,
                                "--limit", "24", "--epochs", "4"])
        let reward = try ServiceProcess("zooter-reward", ["--port", "0", "--metrics-port", "0", "--log-format", "json",
                                                          "--scorer", work.appendingPathComponent("reward").path])
        defer { reward.kill(SIGTERM) }
        let (grpcPort, metricsPort) = try await Self.ports(reward)
        let request = ScoreRequest(pairs: [ScorePair(id: "a", query: "2+2?", response: "4"), ScorePair(id: "b", query: "2+2?", response: "5")])
        try await GRPCClient.withClient(target: "127.0.0.1:\(grpcPort)") { client in
            for _ in 0..<2 { _ = try await client.unary(path: "/zooter.v1.RewardScorer/Score", request: request.wireBytes()) }
        }
        let exposition = try await Self.get("http://127.0.0.1:\(metricsPort)/metrics").body
        #expect(Self.value(#"zooter_reward_cache_lookups_total{result="miss"}"#, in: exposition) == 2)
        #expect(Self.value(#"zooter_reward_cache_lookups_total{result="hit"}"#, in: exposition) == 2)
        let lint = try await Self.promtool(exposition, in: work)
        #expect(lint.status == 0, "promtool check metrics: \(lint.output)")
    }

    /// docs/deploy.md lists every metric in the catalog with its labels.
    @Test func theDeploymentGuideListsEveryMetric() throws {
        let guide = try String(contentsOf: ServiceProcess.root.appendingPathComponent("docs/deploy.md"), encoding: .utf8)
        for metric in MetricCatalog.all {
            #expect(guide.contains("`\(metric.name)`"), "docs/deploy.md does not list \(metric.name)")
            for label in metric.labels { #expect(guide.contains("`\(label)`"), "docs/deploy.md does not name label \(label) of \(metric.name)") }
        }
    }
}
