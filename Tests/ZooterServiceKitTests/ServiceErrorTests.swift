import Foundation
import Testing
import ZooterServiceKit

/// Startup problems of the services are one type with matchable cases and kept causes.
@Suite struct ServiceErrorTests {
    @Test func anUnreadableTokenFileIsAnAdminTokenCaseWithItsCause() {
        do {
            _ = try AdminToken.resolve(file: "/nonexistent/zooter-admin-token", environment: [:])
            Issue.record("a missing token file was accepted")
        } catch {
            guard case .adminToken(let message, let cause) = error else { Issue.record("expected .adminToken, got \(error)"); return }
            #expect(message.contains("/nonexistent/zooter-admin-token"))
            #expect(cause != nil, "the read error is kept")
        }
        #expect { try AdminToken.resolve(file: nil, environment: [AdminToken.environmentVariable: "short"]) } throws: { error in
            if case .adminToken(let message, nil)? = error as? ServiceError { return message.contains("at least 16 characters") }
            return false
        }
    }
}
