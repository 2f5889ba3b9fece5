import Foundation
import Testing
import ZooterCore
@testable import ZooterGateway

@Suite struct TenantDirectoryTests {
    static func load(_ json: String, experts: Set<String> = ["a", "b"]) throws(GatewayError) -> TenantDirectory {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tenants-\(UUID().uuidString).json")
        try? Data(json.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try TenantDirectory.load(path: url.path, experts: experts)
    }

    @Test func keysAndDigestsAuthenticateTheirTenantOnly() throws {
        let digest = SHA256.hex(Array("bob-key-0123456789ab".utf8))
        let directory = try Self.load("""
            {"tenants": [{"name": "alice", "key": "alice-key-0123456789", "cost_weight": 0.25},
                         {"name": "bob", "key_sha256": "\(digest.uppercased())", "allowed_experts": ["b"],
                          "budget": {"window_seconds": 60, "max_requests": 10, "max_cost_usd": 1.5}}]}
            """)
        #expect(directory.authenticate(authorization: "Bearer alice-key-0123456789")?.name == "alice")
        #expect(directory.authenticate(authorization: "bearer bob-key-0123456789ab")?.name == "bob")
        for header in [nil, "", "Bearer", "Bearer ", "Bearer alice-key-012345678", "Bearer alice-key-01234567890",
                       "Basic alice-key-0123456789", "alice-key-0123456789", "Bearer \(digest)"] as [String?] {
            #expect(directory.authenticate(authorization: header) == nil, "\(header ?? "nil")")
        }
        let bob = try #require(directory.tenants.last)
        #expect(bob.allows("b") && !bob.allows("a") && bob.costWeight == 0)
        #expect(bob.budget == Tenant.Budget(window: .seconds(60), maxRequests: 10, maxCostUSD: 1.5))
        #expect(directory.tenants.first?.costWeight == 0.25 && directory.tenants.first?.allows("a") == true)
    }

    @Test func badEntriesAreRefused() {
        let cases: [(String, String)] = [
            (#"{"tenants": []}"#, "non-empty"),
            (#"{"tenants": [{"name": "x", "key": "short"}]}"#, "at least 16"),
            (#"{"tenants": [{"name": "x"}]}"#, "exactly one"),
            (#"{"tenants": [{"name": "x", "key": "0123456789abcdef", "key_sha256": "00"}]}"#, "exactly one"),
            (#"{"tenants": [{"name": "x", "key_sha256": "xyz"}]}"#, "64 hex digits"),
            (#"{"tenants": [{"name": "x", "key": "0123456789abcdef", "allowed_experts": ["c"]}]}"#, "not a configured expert"),
            (#"{"tenants": [{"name": "x", "key": "0123456789abcdef", "budget": {"max_requests": 3}}]}"#, "window_seconds"),
            (#"{"tenants": [{"name": "x", "key": "0123456789abcdef", "budget": {"window_seconds": 3}}]}"#, "max_requests"),
            (#"{"tenants": [{"name": "x", "key": "0123456789abcdef", "cost_weight": -1}]}"#, "cost_weight"),
            (#"{"tenants": [{"name": "x", "key": "0123456789abcdef", "keys": 1}]}"#, "unknown setting"),
            (#"{"tenants": [{"name": "x", "key": "0123456789abcdef"}, {"name": "x", "key": "fedcba9876543210"}]}"#, "used twice"),
            (#"{"tenants": [{"name": "x", "key": "0123456789abcdef"}, {"name": "y", "key": "0123456789abcdef"}]}"#, "same key"),
        ]
        for (json, expected) in cases {
            do {
                _ = try Self.load(json)
                Issue.record("accepted \(json)")
            } catch {
                #expect(error.description.contains(expected), "\(json) → \(error.description)")
            }
        }
    }
}
