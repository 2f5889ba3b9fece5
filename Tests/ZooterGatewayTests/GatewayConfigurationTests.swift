import Foundation
import Testing
import ZooterRPC
@testable import ZooterGateway

/// The configuration file is checked at startup, with messages that name the setting to fix.
@Suite struct GatewayConfigurationTests {
    static let folder = URL(fileURLWithPath: "/etc/zooter")

    static func parse(_ json: String, environment: [String: String] = ["KEY_A": "sk-a"]) throws(GatewayError) -> GatewayConfiguration {
        try GatewayConfiguration.parse(Data(json.utf8), name: "gateway.json", folder: folder, environment: environment)
    }

    static func message(_ json: String, environment: [String: String] = ["KEY_A": "sk-a"]) -> String {
        do { _ = try parse(json, environment: environment); return "" } catch { return error.description }
    }

    @Test func aCompleteFileIsRead() throws {
        let configuration = try Self.parse("""
            {"router": {"targets": "127.0.0.1:50051,127.0.0.1:50052", "timeout_ms": 750},
             "experts": [{"name": "a", "base_url": "https://a.example/v1/", "model": "a-large", "api_key_env": "KEY_A",
                          "timeout_seconds": 2.5, "max_concurrent": 8, "usd_per_request": 0.001, "usd_per_million_output_tokens": 10},
                         {"name": "b", "base_url": "http://10.0.0.2:8000/v1"}],
             "fallback_attempts": 2, "limits": {"max_request_bytes": 2048, "max_response_bytes": 4096, "max_concurrent_requests": 5},
             "circuit_breaker": {"failures": 2, "open_seconds": 7}, "tenants_file": "tenants.json"}
            """)
        #expect(configuration.routerTargets == "127.0.0.1:50051,127.0.0.1:50052" && configuration.routeTimeout == .milliseconds(750))
        let a = try #require(configuration.expert(named: "a"))
        #expect(a.chatCompletionsURL == "https://a.example/v1/chat/completions" && a.upstreamModel == "a-large" && a.apiKey == "sk-a")
        #expect(a.timeout == .milliseconds(2500) && a.maxConcurrent == 8)
        #expect(abs(a.estimatedCost(promptTokens: 100, completionTokens: 1000) - 0.011) < 1e-12)
        let b = try #require(configuration.expert(named: "b"))
        #expect(b.upstreamModel == "b" && b.apiKey == nil && b.timeout == .seconds(60) && b.maxConcurrent == 64)
        #expect(configuration.fallbackAttempts == 2 && configuration.maxRequestBytes == 2048 && configuration.maxResponseBytes == 4096)
        #expect(configuration.maxConcurrentRequests == 5 && configuration.breakerFailures == 2 && configuration.breakerOpen == .seconds(7))
        #expect(configuration.tenantsFile == "/etc/zooter/tenants.json")
    }

    @Test func mistakesAreRefusedWithTheSettingNamed() {
        let expert = #"{"name": "a", "base_url": "http://127.0.0.1:9/v1"}"#
        let router = #""router": {"targets": "127.0.0.1:1"}"#
        let cases: [(String, String)] = [
            ("{", "not valid JSON"),
            (#"{"experts": [\#(expert)]}"#, "\"router\""),
            (#"{\#(router), "experts": []}"#, "non-empty list"),
            (#"{\#(router), "experts": [\#(expert)], "fallback_atempts": 2}"#, "unknown setting \"fallback_atempts\""),
            (#"{\#(router), "experts": [{"name": "a", "base_url": "http://x/v1", "timeout": 3}]}"#, "unknown setting \"timeout\""),
            (#"{\#(router), "experts": [{"name": "a", "base_url": "ftp://x/v1"}]}"#, "http or https URL"),
            (#"{\#(router), "experts": [{"name": "a", "base_url": "http://x/v1?key=1"}]}"#, "without query"),
            (#"{\#(router), "experts": [{"name": "a"}]}"#, "\"base_url\" is required"),
            (#"{\#(router), "experts": [{"name": "a", "base_url": "http://x/v1", "api_key_env": "MISSING"}]}"#, "MISSING"),
            (#"{\#(router), "experts": [\#(expert), \#(expert)]}"#, "configured twice"),
            (#"{\#(router), "experts": [{"name": "zooter", "base_url": "http://x/v1"}]}"#, "rename the expert"),
            (#"{\#(router), "experts": [{"name": "a", "base_url": "http://x/v1", "timeout_seconds": 0}]}"#, "timeout_seconds"),
            (#"{\#(router), "experts": [{"name": "a", "base_url": "http://x/v1", "max_concurrent": 1.5}]}"#, "whole number"),
            (#"{\#(router), "experts": [\#(expert)], "fallback_attempts": 0}"#, "fallback_attempts"),
            (#"{\#(router), "experts": [\#(expert)], "limits": {"max_request_bytes": 10}}"#, "max_request_bytes"),
            (#"{"router": {"targets": "10.1.2.3:50051"}, "experts": [\#(expert)]}"#, "not on this machine"),
            (#"{"router": {"targets": "127.0.0.1:1", "tls_cert": "c.pem"}, "experts": [\#(expert)]}"#, "go together"),
            (#"{"router": {"targets": "10.1.2.3:1", "plaintext": 1}, "experts": [\#(expert)]}"#, "true or false"),
            (#"{\#(router), "experts": [{"name": "a", "base_url": "http://x/v1", "max_concurrent": true}]}"#, "must be a number"),
        ]
        for (json, expected) in cases {
            let message = Self.message(json)
            #expect(message.contains(expected), "\(json) → \(message)")
        }
    }

    @Test func aRemoteRouterNeedsTLSOrAnExplicitPlaintext() throws {
        let expert = #"{"name": "a", "base_url": "http://127.0.0.1:9/v1"}"#
        let plaintext = try Self.parse(#"{"router": {"targets": "router:50051", "plaintext": true}, "experts": [\#(expert)]}"#)
        #expect(plaintext.routerClient.tls == nil)
        let tls = try Self.parse(#"{"router": {"targets": "router:50051", "tls_ca": "ca.pem"}, "experts": [\#(expert)]}"#)
        #expect(tls.routerClient.tls?.caPath == "/etc/zooter/ca.pem")
    }
}
