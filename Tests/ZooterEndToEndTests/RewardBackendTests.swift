import Foundation
import Testing
import ZooterRPC
import ZooterTestSupport
import ZooterWire

/// zooter-reward's remote backends, called through our gRPC client as the trainer and the gateway
/// call it: an LLM judge behind an OpenAI-compatible endpoint (the stub expert acting as judge,
/// well-behaved, flaky and broken) and an HTTP reward model that fails.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RewardBackendTests {
    static let pairs = [ScorePair(id: "good", query: "What is 2 + 2?", response: "4, since 2 + 2 = 4."),
                        ScorePair(id: "bad", query: "What is 2 + 2?", response: "I refuse to answer.")]

    static func score(_ port: Int) async throws -> ScoreResponse {
        try await GRPCClient.withClient(target: "127.0.0.1:\(port)") { client in
            try ScoreResponse(wireBytes: try await client.unary(path: "/zooter.v1.RewardScorer/Score",
                                                                request: ScoreRequest(pairs: pairs).wireBytes(), timeout: .seconds(20)).message)
        }
    }

    @Test func anLLMJudgeScoresAndIsAskedAgainWhenItsReplyHasNoScore() async throws {
        let judge = try ChildProcess(path: URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", GatewayEndToEndTests.interop.appendingPathComponent("stub_openai_expert.py").path, "judge"],
                                     name: "stub judge", keepInputOpen: true)
        defer { judge.closeInput(); judge.kill(SIGTERM) }
        let judgePort = Int(try await judge.line(matching: #"judge \d+"#).split(separator: " ")[1])!
        func mode(_ name: String) async throws {
            let run = try await ChildProcess.run("/usr/bin/curl", ["-s", "-d", #"{"mode": "\#(name)"}"#, "http://127.0.0.1:\(judgePort)/control"])
            #expect(run.status == 0)
        }
        let reward = try ServiceProcess("zooter-reward", ["--port", "0", "--judge-url", "http://127.0.0.1:\(judgePort)/v1",
                                                          "--judge-model", "judge-1", "--scorer-version", "rubric-1", "--cache-entries", "0"])
        defer { reward.kill(SIGTERM) }
        let port = try await reward.port()

        try await mode("judge")
        let scored = try await Self.score(port)
        #expect(scored.results.map(\.reward) == [8, 2] && scored.scorer == "judge:judge-1" && scored.scorerVersion == "rubric-1", "\(scored)")

        try await mode("judge_flaky")
        let before = try await MetricsEndToEndTests.get("http://127.0.0.1:\(judgePort)/requests").body.components(separatedBy: "\"model\"").count
        #expect(try await Self.score(port).results.map(\.reward) == [8, 2])
        let after = try await MetricsEndToEndTests.get("http://127.0.0.1:\(judgePort)/requests").body.components(separatedBy: "\"model\"").count
        #expect(after - before >= 3, "a reply without a score is asked again (\(after - before) judge calls for 2 pairs)")

        try await mode("judge_broken")
        do {
            _ = try await Self.score(port)
            Issue.record("a judge that never scores must fail the call")
        } catch let error as RPCError {
            #expect(error.code == .unavailable && error.message.contains("no score from 1 to 10"), "\(error)")
        }
    }

    @Test func aFailingHTTPRewardModelIsUnavailableNotAMadeUpScore() async throws {
        let model = try ChildProcess(path: URL(fileURLWithPath: "/usr/bin/env"),
                                     ["python3", GatewayEndToEndTests.interop.appendingPathComponent("stub_reward_model.py").path],
                                     name: "stub reward model", keepInputOpen: true)
        defer { model.closeInput(); model.kill(SIGTERM) }
        let modelPort = Int(try await model.line(matching: #"\d+"#))!
        let reward = try ServiceProcess("zooter-reward", ["--port", "0", "--scorer-url", "http://127.0.0.1:\(modelPort)/score", "--cache-entries", "0"])
        defer { reward.kill(SIGTERM) }
        let port = try await reward.port()
        let scored = try await Self.score(port)
        #expect(scored.results[0].reward > 0.8 && scored.results[1].reward < 0.3 && scored.scorer == "http:127.0.0.1", "\(scored)")
        _ = try await ChildProcess.run("/usr/bin/curl", ["-s", "-X", "POST", "-d", "{}", "http://127.0.0.1:\(modelPort)/fail"])
        do {
            _ = try await Self.score(port)
            Issue.record("a failing reward model must fail the call")
        } catch let error as RPCError {
            #expect(error.code == .unavailable && error.message.contains("HTTP 500"), "\(error)")
        }
        // Bad flags stop the service with a message.
        let both = try await ChildProcess.run(ServiceProcess.binDirectory.appendingPathComponent("zooter-reward").path,
                                              ["--scorer", "x", "--scorer-url", "http://127.0.0.1:1/"])
        #expect(both.status != 0 && both.standardError.contains("exactly one of"), "\(both.standardError)")
    }
}
