import Foundation
import Testing
import ZooterCore
import ZooterExchangeLog
import ZooterRPC
import ZooterTestSupport

/// zooter-gateway as users run it: the real router with a trained model, OpenAI-compatible stub
/// experts (Tests/Interop/stub_openai_expert.py) that can be told to answer, stream, stall, fail
/// or die mid-stream, and the official `openai` Python client driving every behaviour
/// (Tests/Interop/openai_gateway_check.py: routing, pass-through, streaming, fallback order,
/// circuit breaker, timeouts, client disconnects, tenants, bad input). Then the gateway's
/// Prometheus exposition is checked against what happened.
@Suite(.serialized, .timeLimit(.minutes(5))) struct GatewayEndToEndTests {
    static let experts = ["deepseek-chat", "Meta-Llama-3_1-70B", "jamba-1.5-large", "Qwen1.5-72B-Chat",
                          "Meta-Llama-3_1-8B-Instruct", "mathstral-7B", "Mixtral-8x7B-Instruct-v0.1", "Phi-3-mini-4k-instruct"]
    static let interop = ServiceProcess.root.appendingPathComponent("Tests/Interop")

    /// A trained router, the stub experts and a gateway configured for them; `body` gets the
    /// gateway's URL, its metrics port, the stubs' "NAME PORT" file and the work folder.
    static func withGateway(extraConfiguration: [String: Any] = [:], tenants: [[String: Any]]? = nil, rewardModelURL: String? = nil,
                            _ body: (_ url: String, _ metricsPort: Int, _ stubs: URL, _ gateway: ChildProcess, _ work: URL) async throws -> Void) async throws {
        let work = try MetricsEndToEndTests.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: work) }
        try await MetricsEndToEndTests.trainer(["train", "--dataset", MetricsEndToEndTests.sample.path, "--out", work.appendingPathComponent("model").path,
                                                "--limit", "80", "--folds", "2", "--seeds", "1", "--cache", work.appendingPathComponent("cache").path])
        let router = try ServiceProcess("zooter-router", ["--port", "0", "--artifact", work.appendingPathComponent("model/current").path])
        defer { router.kill(SIGTERM) }
        let routerPort = try await router.port()
        // A reward service: a small fitted scorer, or the HTTP reward model given.
        var rewardArguments = ["--port", "0"]
        if let rewardModelURL {
            rewardArguments += ["--scorer-url", rewardModelURL, "--scorer-version", "stub-1"]
        } else {
            try await MetricsEndToEndTests.trainer(["train-reward", "--dataset", MetricsEndToEndTests.rescoring.path,
                                                    "--out", work.appendingPathComponent("reward-model").path, "--limit", "24", "--epochs", "2"])
            rewardArguments += ["--scorer", work.appendingPathComponent("reward-model").path]
        }
        let tagger = try ServiceProcess("zooter-tagger", ["--port", "0"])
        defer { tagger.kill(SIGTERM) }
        let taggerPort = try await tagger.port()
        let reward = try ServiceProcess("zooter-reward", rewardArguments)
        defer { reward.kill(SIGTERM) }
        let rewardPort = try await reward.port()

        let stubs = try ChildProcess(path: URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", interop.appendingPathComponent("stub_openai_expert.py").path] + experts, name: "stub experts",
                                     keepInputOpen: true)
        defer { stubs.closeInput(); stubs.kill(SIGTERM) }
        _ = try await stubs.line(matching: "ready")
        let stubsFile = work.appendingPathComponent("stubs.txt")
        try Data(stubs.output.utf8).write(to: stubsFile)
        let ports = Dictionary(uniqueKeysWithValues: stubs.output.split(separator: "\n").compactMap { line -> (String, Int)? in
            let parts = line.split(separator: " ")
            return parts.count == 2 ? (String(parts[0]), Int(parts[1])!) : nil
        })

        let tenantList = tenants ?? [
            ["name": "alice", "key": "alice-key-0123456789"],
            ["name": "bob", "key_sha256": sha256Hex("bob-key-0123456789ab"), "allowed_experts": ["mathstral-7B", "deepseek-chat"],
             "cost_weight": 0.1, "budget": ["window_seconds": 600, "max_requests": 3]],
        ]
        try JSONSerialization.data(withJSONObject: ["tenants": tenantList]).write(to: work.appendingPathComponent("tenants.json"))
        var configuration: [String: Any] = [
            "router": ["targets": "127.0.0.1:\(routerPort)", "timeout_ms": 5000],
            "reward": ["targets": "127.0.0.1:\(rewardPort)"],
            "tagger": ["targets": "127.0.0.1:\(taggerPort)"],
            "max_top_k": 3,
            "experts": experts.map { name -> [String: Any] in
                ["name": name, "base_url": "http://127.0.0.1:\(ports[name]!)/v1", "model": name.lowercased(),
                 "timeout_seconds": name == "Phi-3-mini-4k-instruct" ? 30 : 1, "api_key_env": "STUB_EXPERT_KEY"]
            },
            "fallback_attempts": 3,
            "circuit_breaker": ["failures": 3, "open_seconds": 2],
            "limits": ["max_request_bytes": 65536],
            "tenants_file": "tenants.json",
            "exchange_log": ["path": "exchanges.sqlite", "sample_rate": 1],
        ]
        configuration.merge(extraConfiguration) { _, new in new }
        try JSONSerialization.data(withJSONObject: configuration).write(to: work.appendingPathComponent("gateway.json"))
        let gateway = try ChildProcess(path: ServiceProcess.binDirectory.appendingPathComponent("zooter-gateway"),
                                       ["--config", work.appendingPathComponent("gateway.json").path, "--port", "0", "--metrics-port", "0"],
                                       name: "zooter-gateway", environment: ProcessInfo.processInfo.environment.merging(["STUB_EXPERT_KEY": "sk-stub-secret"]) { _, new in new })
        defer { gateway.kill(SIGTERM) }
        let metrics = try await gateway.line(matching: #"http://127\.0\.0\.1:\d+/metrics"#)
        let metricsPort = Int(metrics.split(separator: ":").last!.split(separator: "/").first!)!
        try await body("http://127.0.0.1:\(try await gateway.port())", metricsPort, stubsFile, gateway, work)
    }

    static func sha256Hex(_ text: String) -> String { SHA256.hex(Array(text.utf8)) }

    @Test func theOfficialOpenAIClientIsRoutedForwardedAndFallsBack() async throws {
        try await Self.withGateway { url, metricsPort, stubs, gateway, work in
            let run = try await ChildProcess.run("/usr/bin/env", ["python3", Self.interop.appendingPathComponent("openai_gateway_check.py").path, url, stubs.path])
            #expect(run.status == 0, "\(run.output)\n\(run.standardError)\n--- gateway:\n\(gateway.output.suffix(3000))")
            #expect(run.output.contains("all gateway checks passed"), "\(run.output)")

            // The stubs saw the configured key, never the client's.
            let requests = try await MetricsEndToEndTests.get("http://127.0.0.1:\(try Self.stubPort("deepseek-chat", stubs))/requests").body
            #expect(requests.contains("Bearer sk-stub-secret") && !requests.contains("alice-key"), "\(requests.prefix(500))")

            let exposition = try await MetricsEndToEndTests.get("http://127.0.0.1:\(metricsPort)/metrics").body
            let value = { (series: String) in MetricsEndToEndTests.value(series, in: exposition) ?? 0 }
            #expect(value("zooter_gateway_fallbacks_total") >= 3)
            #expect(value(#"zooter_gateway_requests_total{endpoint="chat",status="401"}"#) >= 2)
            #expect(value(#"zooter_gateway_requests_total{endpoint="chat",status="429"}"#) == 1)
            #expect(value(#"zooter_gateway_requests_total{endpoint="chat",status="413"}"#) == 1)
            #expect(value(#"zooter_gateway_limit_trips_total{limit="budget"}"#) == 1)
            let outcomes = exposition.split(separator: "\n").filter { $0.hasPrefix("zooter_gateway_upstream_attempts_total{") }
            for outcome in ["ok", "server_error", "rate_limited", "timeout", "circuit_open"] {
                #expect(outcomes.contains { $0.contains(#"outcome="\#(outcome)""#) }, "no \(outcome) attempt in \(outcomes)")
            }
            let names = Set(exposition.split(separator: "\n").filter { $0.hasPrefix("# TYPE ") }.map { String($0.split(separator: " ")[2]) })
            #expect(names.isSubset(of: Set(MetricCatalog.all.map(\.name))), "\(names.subtracting(MetricCatalog.all.map(\.name)))")
            let lint = try await MetricsEndToEndTests.promtool(exposition, in: work)
            #expect(lint.status == 0, "promtool check metrics: \(lint.output)")
            #expect(value("zooter_gateway_exchanges_dropped_total") == 0)

            // More traffic, 60 different questions, for the log to train on below.
            let traffic = """
                import json, sys, urllib.request
                url, key, dataset = sys.argv[1:]
                for line in list(open(dataset))[:60]:
                    body = json.dumps({"model": "zooter", "messages": [{"role": "user", "content": json.loads(line)["query"]}]}).encode()
                    request = urllib.request.Request(url + "/v1/chat/completions", data=body, headers={"authorization": "Bearer " + key})
                    assert urllib.request.urlopen(request).status == 200
                """
            let sent = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", traffic, url, "alice-key-0123456789",
                                                                  MetricsEndToEndTests.sample.appendingPathComponent("routing.jsonl").path])
            #expect(sent.status == 0, "\(sent.output)\(sent.standardError)")

            // The exchange log (sample rate 1): on SIGTERM the gateway writes what is queued.
            gateway.kill(SIGTERM)
            #expect(await gateway.wait() == 0, "\(gateway.output.suffix(2000))")
            let log = try ExchangeLogStore(path: work.appendingPathComponent("exchanges.sqlite").path, mode: .read).exchanges()
            let answered = Int(value(#"zooter_gateway_requests_total{endpoint="chat",status="200"}"#)) + 60
            // Two 200s are not whole answers: the stream that died mid-way and the one whose client left.
            #expect(log.count == answered - 2 && log.count >= 10, "\(log.count) logged of \(answered) answered")
            #expect(log.allSatisfy { $0.reward?.isFinite == true && $0.scorer?.isEmpty == false }, "every answer scored")
            // Tagged by the tagger (a query may match no tag above its calibrated threshold; the
            // algebra question the check script asks most matches intent/math).
            let tags = log.map { (try? JSONSerialization.jsonObject(with: Data($0.tags.utf8)) as? [String]) }
            #expect(tags.allSatisfy { $0 != nil }, "\(log.map(\.tags))")
            let algebra = zip(log, tags).filter { $0.0.query?.hasPrefix("Solve for x") == true }
            #expect(algebra.count >= 5 && algebra.allSatisfy { $0.1?.contains("intent/math") == true }, "\(algebra.map(\.0.tags))")
            let routed = try #require(log.first { $0.routed && !$0.fallback })
            let probabilities = try #require(try JSONSerialization.jsonObject(with: Data(routed.probabilities.utf8)) as? [String: Double])
            #expect(probabilities.count == Self.experts.count && routed.probability == probabilities[routed.expert] && routed.modelVersion.hasPrefix("zooter-"))
            #expect(routed.answer == "answer from \(routed.expert): \(routed.query ?? "")", "\(routed)")
            #expect(log.contains { $0.fallback } && log.contains { !$0.routed && $0.probability == nil })
            // Streamed answers are logged with their text put back together.
            #expect(log.contains { $0.answer?.hasPrefix("answer from ") == true && $0.answer?.contains("Solve for x") == true })

            // The loop closes: the log becomes a dataset of partial rewards with propensities,
            // which the trainer reads back and trains a router on.
            let exported = work.appendingPathComponent("exported")
            try await MetricsEndToEndTests.trainer(["export", "--log", work.appendingPathComponent("exchanges.sqlite").path, "--out", exported.path])
            let lines = try String(contentsOf: exported.appendingPathComponent("routing.jsonl"), encoding: .utf8).split(separator: "\n")
            #expect(lines.count == log.count && lines.allSatisfy { $0.contains("\"propensities\"") }, "\(lines.prefix(2))")
            try await MetricsEndToEndTests.trainer(["train", "--dataset", exported.path, "--out", work.appendingPathComponent("relearned").path,
                                                    "--folds", "2", "--seeds", "1", "--cache", work.appendingPathComponent("cache").path])
            #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent("relearned/current/manifest.json").path))
        }
    }

    /// The live loop on a deterministic scorer (an HTTP reward model behind zooter-reward
    /// --scorer-url): one expert starts refusing mid-run, the exchange log records the lower
    /// rewards, and `zooter-trainer drift` flags that expert and only it.
    @Test func driftIsFlaggedWhenAnExpertStartsAnsweringWorse() async throws {
        let rewardModel = try ChildProcess(path: URL(fileURLWithPath: "/usr/bin/env"),
                                           ["python3", Self.interop.appendingPathComponent("stub_reward_model.py").path],
                                           name: "stub reward model", keepInputOpen: true)
        defer { rewardModel.closeInput(); rewardModel.kill(SIGTERM) }
        let rewardPort = Int(try await rewardModel.line(matching: #"\d+"#))!
        try await Self.withGateway(rewardModelURL: "http://127.0.0.1:\(rewardPort)/score") { url, _, stubs, gateway, work in
            let traffic = """
                import json, sys, urllib.request
                url, key, phase = sys.argv[1:]
                for i in range(25):
                    for expert in ("mathstral-7B", "deepseek-chat"):
                        body = json.dumps({"model": expert, "messages": [{"role": "user", "content": f"question {phase} {i}"}]}).encode()
                        request = urllib.request.Request(url + "/v1/chat/completions", data=body, headers={"authorization": "Bearer " + key})
                        assert urllib.request.urlopen(request).status == 200
                """
            let before = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", traffic, url, "alice-key-0123456789", "before"])
            #expect(before.status == 0, "\(before.standardError)")
            // mathstral-7B starts refusing; deepseek-chat goes on as before.
            let control = try await ChildProcess.run("/usr/bin/curl", ["-s", "-d", #"{"mode": "refuse"}"#,
                                                                       "http://127.0.0.1:\(try Self.stubPort("mathstral-7B", stubs))/control"])
            #expect(control.status == 0)
            let after = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", traffic, url, "alice-key-0123456789", "after"])
            #expect(after.status == 0, "\(after.standardError)")
            gateway.kill(SIGTERM)
            #expect(await gateway.wait() == 0)

            let log = work.appendingPathComponent("exchanges.sqlite").path
            let rows = try ExchangeLogStore(path: log, mode: .read).exchanges()
            #expect(rows.count == 100 && rows.allSatisfy { $0.scorer == "http:127.0.0.1@stub-1" }, "\(rows.count) \(rows.first.map { "\($0)" } ?? "")")
            // The latest window starts between the last exchange before the change and the first after it.
            let beforeTimes = rows.filter { $0.query?.contains("before") == true }.map(\.time).max()
            let afterTimes = rows.filter { $0.query?.contains("after") == true }.map(\.time).min()
            let lastBefore = try #require(beforeTimes), firstAfter = try #require(afterTimes)
            #expect(lastBefore < firstAfter)
            let drift = try await ChildProcess.run(ServiceProcess.binDirectory.appendingPathComponent("zooter-trainer").path,
                                                   ["drift", "--log", log, "--since", "\((lastBefore + firstAfter) / 2)", "--baseline-seconds", "600",
                                                    "--min-drop", "0.1"], currentDirectory: ServiceProcess.root)
            #expect(drift.status == 3, "\(drift.output)\(drift.standardError)")
            #expect(drift.output.contains("→ drift: expert mathstral-7B") && !drift.output.contains("deepseek-chat -"), "\(drift.output)")
            // Experts: only the one that changed. (Tags whose queries it answered drop too.)
            let flagged = drift.output.split(separator: "\n").filter { $0.hasSuffix("DROP") && $0.contains("expert") }
            #expect(flagged.count == 1 && flagged[0].contains("mathstral-7B"), "\(drift.output)")
        }
    }

    /// HTTPS with the gateway's certificate: the official client connects when it trusts the CA
    /// and refuses when it does not; plain HTTP off loopback needs --plaintext; bad TLS files stop
    /// the gateway with a message.
    @Test func servesHTTPSAndRefusesPlaintextOffLoopbackUnlessAskedFor() async throws {
        let pki = try await TestCertificates.make()
        defer { try? FileManager.default.removeItem(at: pki.folder) }
        let stubs = try ChildProcess(path: URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", Self.interop.appendingPathComponent("stub_openai_expert.py").path, "solo"],
                                     name: "stub expert", keepInputOpen: true)
        defer { stubs.closeInput(); stubs.kill(SIGTERM) }
        let stubPort = Int(try await stubs.line(matching: #"solo \d+"#).split(separator: " ")[1])!
        // No router runs: pass-through requests and liveness need none.
        let configuration: [String: Any] = ["router": ["targets": "127.0.0.1:9"],
                                            "experts": [["name": "solo", "base_url": "http://127.0.0.1:\(stubPort)/v1"]]]
        let config = pki.folder.appendingPathComponent("gateway.json")
        try JSONSerialization.data(withJSONObject: configuration).write(to: config)
        let binary = ServiceProcess.binDirectory.appendingPathComponent("zooter-gateway")
        let live = pki.path("gateway-live.crt")
        try FileManager.default.copyItem(atPath: pki.serverCertificate, toPath: live)

        let gateway = try ChildProcess(path: binary, ["--config", config.path, "--port", "0", "--allow-anonymous",
                                                      "--tls-cert", live, "--tls-key", pki.serverKey, "--tls-reload-seconds", "0"],
                                       name: "tls gateway")
        defer { gateway.kill(SIGTERM) }
        let port = try await gateway.port()
        let client = """
            import sys, openai
            client = openai.OpenAI(base_url=sys.argv[1], api_key="unused-key-0123456789", max_retries=0,
                                   http_client=openai.DefaultHttpxClient(verify=sys.argv[2]) if sys.argv[2] != "system" else None)
            try:
                reply = client.chat.completions.create(model="solo", messages=[{"role": "user", "content": "over tls"}])
                print("answer:", reply.choices[0].message.content)
            except openai.APIConnectionError as error:
                print("refused:", repr(error.__cause__ or error))
            """
        let trusted = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", client, "https://localhost:\(port)/v1", pki.caCertificate])
        #expect(trusted.output.contains("answer: answer from solo: over tls"), "\(trusted.output)\(trusted.standardError)")
        let untrusted = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", client, "https://localhost:\(port)/v1", pki.otherCACertificate])
        #expect(untrusted.output.contains("refused:") && untrusted.output.lowercased().contains("certificate"), "\(untrusted.output)\(untrusted.standardError)")
        let plain = try await ChildProcess.run("/usr/bin/curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/health/live"])
        #expect(plain.output != "200", "plain HTTP on the TLS port must not be served")

        // Rotation: a certificate from the other CA, picked up on SIGHUP by new connections; a
        // broken file on the next SIGHUP keeps the rotated certificate serving.
        try Data(contentsOf: URL(fileURLWithPath: pki.otherServerCertificate)).write(to: URL(fileURLWithPath: live), options: .atomic)
        gateway.kill(SIGHUP)
        _ = try await gateway.line(matching: "reloaded the TLS certificate")
        let rotated = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", client, "https://localhost:\(port)/v1", pki.otherCACertificate])
        #expect(rotated.output.contains("answer: answer from solo: over tls"), "\(rotated.output)\(rotated.standardError)")
        let stale = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", client, "https://localhost:\(port)/v1", pki.caCertificate])
        #expect(stale.output.contains("refused:"), "\(stale.output)\(stale.standardError)")
        try Data("not a certificate".utf8).write(to: URL(fileURLWithPath: live), options: .atomic)
        gateway.kill(SIGHUP)
        _ = try await gateway.line(matching: "SIGHUP: the TLS files are not usable")
        let kept = try await ChildProcess.run("/usr/bin/env", ["python3", "-c", client, "https://localhost:\(port)/v1", pki.otherCACertificate])
        #expect(kept.output.contains("answer: answer from solo: over tls"), "\(kept.output)\(kept.standardError)")

        let refusals: [([String], String)] = [
            (["--host", "0.0.0.0"], "--plaintext"),
            (["--tls-cert", pki.serverCertificate], "go together"),
            (["--tls-cert", pki.serverKey, "--tls-key", pki.serverKey], "--tls-cert"),
            (["--tls-cert", pki.serverCertificate, "--tls-key", pki.serverCertificate], "--tls-key"),
            ([], "--allow-anonymous"),
        ]
        for (extra, message) in refusals {
            var arguments = ["--config", config.path, "--port", "0"] + extra
            if !extra.isEmpty { arguments.append("--allow-anonymous") }
            let run = try await ChildProcess.run(binary.path, arguments)
            #expect(run.status != 0 && (run.output + run.standardError).contains(message), "\(extra): \(run.status) \(run.output)\(run.standardError)")
        }
    }

    static func stubPort(_ expert: String, _ stubs: URL) throws -> Int {
        let text = try String(contentsOf: stubs, encoding: .utf8)
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(expert + " ") })
        return Int(line.split(separator: " ")[1])!
    }
}
