import Testing
import Foundation
@testable import ZooterRPC
import ZooterHTTP2

@Suite struct WireFormatTests {
    @Test func deframerSplitsAcrossChunks() throws {
        var deframer = MessageDeframer(maxMessageSize: 100)
        let wire = framed([1, 2, 3]) + framed([]) + framed([9])
        var messages: [[UInt8]] = []
        for byte in wire { messages += try deframer.append([byte]) }
        #expect(messages == [[1, 2, 3], [], [9]])
        #expect(!deframer.hasPartialMessage)
    }

    @Test func deframerRejectsOversizeFromPrefixAlone() {
        var deframer = MessageDeframer(maxMessageSize: 10)
        // Only the prefix has arrived: the limit is enforced before buffering the body.
        #expect(throws: MessageDeframer.Failure.tooLarge(length: 11, limit: 10)) {
            _ = try deframer.append([0, 0, 0, 0, 11])
        }
    }

    @Test func deframerRejectsCompressedFlag() {
        var deframer = MessageDeframer(maxMessageSize: 10)
        #expect(throws: MessageDeframer.Failure.compressed) { _ = try deframer.append([1, 0, 0, 0, 1, 7]) }
    }

    @Test func deframerReportsPartialMessage() throws {
        var deframer = MessageDeframer(maxMessageSize: 10)
        #expect(try deframer.append([0, 0, 0, 0, 4, 1, 2]).isEmpty)
        #expect(deframer.hasPartialMessage)
    }

    @Test func percentEncodingRoundTrips() {
        let message = "bad query: 'héllo' 100% ✓\n"
        let encoded = PercentEncoding.encode(message)
        #expect(encoded == "bad query: 'h%C3%A9llo' 100%25 %E2%9C%93%0A")
        #expect(PercentEncoding.decode(encoded) == message)
        // Malformed escapes are kept as they are.
        #expect(PercentEncoding.decode("50%zz%4") == "50%zz%4")
    }

    @Test func timeoutParsesEveryUnitAndRejectsGarbage() {
        #expect(GRPCTimeout.parse("1H") == .seconds(3600))
        #expect(GRPCTimeout.parse("2M") == .seconds(120))
        #expect(GRPCTimeout.parse("3S") == .seconds(3))
        #expect(GRPCTimeout.parse("250m") == .milliseconds(250))
        #expect(GRPCTimeout.parse("7u") == .microseconds(7))
        #expect(GRPCTimeout.parse("9n") == .nanoseconds(9))
        #expect(GRPCTimeout.parse("123456789S") == nil)  // more than 8 digits
        #expect(GRPCTimeout.parse("10") == nil)
        #expect(GRPCTimeout.parse("-1S") == nil)
        #expect(GRPCTimeout.parse("S") == nil)
        #expect(GRPCTimeout.encode(.milliseconds(1500)) == "1500000u")
        #expect(GRPCTimeout.parse(GRPCTimeout.encode(.seconds(1_000_000))) == .seconds(1_000_000))
    }

    @Test func base64RoundTripsAndAcceptsUnpadded() {
        for length in 0..<10 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 37 + 200) }
            let text = Base64.encode(bytes)
            #expect(Base64.decode(text) == bytes)
            #expect(Base64.decode(text.replacingOccurrences(of: "=", with: "")) == bytes)
        }
        #expect(Base64.decode("a b") == nil)
    }

    @Test func reservedHeadersNeverBecomeMetadata() {
        var metadata = Metadata()
        metadata.add("x-user", "1")
        metadata.add("grpc-status", "0")
        metadata.add("trace-bin", binary: [0, 255])
        let fields = metadata.headerFields
        #expect(fields.map(\.name) == ["x-user", "trace-bin"])
        let back = Metadata(headers: fields + [.init(":path", "/x"), .init("content-type", "application/grpc")])
        #expect(back["x-user"] == "1")
        #expect(back.binary("trace-bin") == [0, 255])
        #expect(back.entries.count == 2)
    }
}
