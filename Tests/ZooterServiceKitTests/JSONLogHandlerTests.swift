import Foundation
import Logging
import Testing
@testable import ZooterServiceKit

/// `--log-format json`: every line parses as one JSON object, whatever a client put in a value.
@Suite struct JSONLogHandlerTests {
    @Test func everyLineIsOneJSONObjectWhateverTheValues() throws {
        let hostile = "a\"b\\c\nforged: {\"level\":\"critical\"}\u{0}\u{1b}[31m\u{2028}end"
        let line = JSONLogHandler.line(time: Date(timeIntervalSince1970: 0), level: .warning, label: "zooter.router",
                                       message: "refused \(hostile)", metadata: ["request_id": "\(hostile)", "level": "spoofed"])
        #expect(line.hasSuffix("}\n") && line.dropLast().allSatisfy { $0 != "\n" && $0 != "\r" })
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["time"] == "1970-01-01T00:00:00.000Z")
        #expect(object["level"] == "warning", "metadata cannot override the fixed fields")
        #expect(object["logger"] == "zooter.router")
        #expect(object["message"] == "refused \(hostile)")
        #expect(object["request_id"] == hostile)
    }
}
