import Foundation
import Testing
import ZooterServiceKit

/// The router's admin secret: never from argv, never short, compared without early exit.
@Suite struct AdminTokenTests {
    static let secret = "0123456789abcdef0123"

    @Test func acceptsOnlyTheExactBearerHeader() throws {
        let token = try AdminToken(Self.secret)
        #expect(token.accepts("Bearer \(Self.secret)"))
        for wrong in ["", "Bearer", "Bearer ", "bearer \(Self.secret)", "Bearer \(Self.secret)x",
                      "Bearer \(Self.secret.dropLast())", "Bearer \(String(Self.secret.reversed()))", Self.secret] {
            #expect(!token.accepts(wrong), "accepted '\(wrong)'")
        }
    }

    @Test func shortTokensAreRefused() {
        #expect(throws: (any Error).self) { try AdminToken("short") }
        #expect(throws: (any Error).self) { try AdminToken("   \n") }
    }

    @Test func comesFromAFileOrTheEnvironmentAndTheFileWins() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try "\(Self.secret)\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let environment = [AdminToken.environmentVariable: "from-the-environment-0123"]
        #expect(try AdminToken.resolve(file: file.path, environment: environment)?.accepts("Bearer \(Self.secret)") == true)
        #expect(try AdminToken.resolve(file: nil, environment: environment)?.accepts("Bearer from-the-environment-0123") == true)
        #expect(try AdminToken.resolve(file: nil, environment: [:]) == nil)
        #expect(throws: (any Error).self) { try AdminToken.resolve(file: "/nonexistent/token", environment: [:]) }
    }
}
