import Testing
import ArgumentParser
import ZooterRPC
import ZooterServiceKit

/// Flags that once trapped or were silently accepted are refused at parse time.
@Suite struct ServerOptionsTests {
    @Test(arguments: [
        ["--idle-seconds", "0"], ["--idle-seconds", "-5"], ["--max-in-flight", "0"], ["--drain-seconds", "-1"],
        ["--max-connections", "0"], ["--request-receive-seconds", "0"], ["--max-message-bytes", "0"],
        ["--max-buffered-bytes-per-connection", "1024"],
    ])
    func invalidLimitsAreRefused(arguments: [String]) {
        #expect(throws: (any Error).self) { _ = try ServerOptions.parse(arguments) }
    }

    @Test func defaultsParseAndCarryIntoTheConfiguration() throws {
        let options = try ServerOptions.parse(["--max-connections-per-peer", "7", "--max-call-seconds", "9"])
        let configuration = options.serverConfiguration
        #expect(configuration.maxConnectionsPerPeer == 7)
        #expect(configuration.maxCallDuration == .seconds(9))
        #expect(configuration.requestReceiveTimeout == .seconds(30))
    }
}
