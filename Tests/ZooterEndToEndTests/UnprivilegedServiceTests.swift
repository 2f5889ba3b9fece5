import Foundation
import Testing
import ZooterTestSupport

/// Users run the services as non-root (the Dockerfile does). A socket option that needs
/// CAP_NET_ADMIN once reset every connection of an unprivileged process, so this test starts the
/// router and a client as uid/gid 65534. CI runs as root: the binaries, their resource bundles and
/// the model are staged in a world-readable folder and privileges are dropped with `setpriv`.
/// Where they cannot be dropped the test fails and says why, rather than passing as root.
@Suite(.serialized, .timeLimit(.minutes(5))) struct UnprivilegedServiceTests {
    static let nobody = "65534"

    /// The staged copy: executables, `*.resources` bundles and the model, readable by anyone.
    static func stage() async throws -> URL {
        let fm = FileManager.default
        let folder = fm.temporaryDirectory.appendingPathComponent("zooter-unprivileged-\(UUID().uuidString)")
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let bin = ServiceProcess.binDirectory
        let wanted = try fm.contentsOfDirectory(atPath: bin.path).filter {
            $0 == "zooter-router" || $0 == "zooter-trainer" || $0 == "zooter-gateway" || $0.hasSuffix(".resources")
        }
        // Copied by `cp`, a child of its own: the copies' writable descriptors live in that process
        // only, so no service another test spawns meanwhile inherits one (running such a file
        // fails with ETXTBSY), and no lock is held here while 250 MB are copied.
        let model = ServiceProcess.root.appendingPathComponent("models/all-MiniLM-L6-v2").path
        for (sources, target) in [(wanted.map { bin.appendingPathComponent($0).path }, folder.path), ([model], folder.appendingPathComponent("model").path)] {
            let copied = try await ChildProcess.run("/bin/cp", ["-R"] + sources + [target])
            try #require(copied.status == 0, "cp: \(copied.standardError)")
        }
        _ = try await ChildProcess.run("/bin/chmod", ["-R", "a+rX", folder.path])
        return folder
    }

    /// `setpriv` in front of `command` when we are root; the command itself when we are not.
    static func unprivileged(_ command: [String]) -> (program: URL, arguments: [String]) {
        guard geteuid() == 0 else { return (URL(fileURLWithPath: command[0]), Array(command.dropFirst())) }
        return (URL(fileURLWithPath: "/usr/bin/setpriv"),
                ["--reuid=\(nobody)", "--regid=\(nobody)", "--clear-groups", "--"] + command)
    }

    /// The staged router (no model loaded), as the unprivileged user.
    static func startRouter(in folder: URL) throws -> ServiceProcess {
        let (program, arguments) = unprivileged(
            [folder.appendingPathComponent("zooter-router").path, "--port", "0", "--model", folder.appendingPathComponent("model").path])
        return try ServiceProcess(path: program, arguments, name: "unprivileged router")
    }

    @Test func routerServesAndTrainerCallsAsAnUnprivilegedUser() async throws {
        if geteuid() == 0 {
            // Prove that privileges really drop here before trusting a green result.
            let probe = try await ChildProcess.run("/usr/bin/setpriv", ["--reuid=\(Self.nobody)", "--regid=\(Self.nobody)", "--clear-groups", "--", "/usr/bin/id", "-u"])
            try #require(probe.status == 0 && probe.output.trimmingCharacters(in: .whitespacesAndNewlines) == Self.nobody,
                         "RUNNING AS ROOT AND CANNOT DROP PRIVILEGES (setpriv: \(probe.output)\(probe.standardError)); the unprivileged path is NOT tested")
        }
        let folder = try await Self.stage()
        defer { try? FileManager.default.removeItem(at: folder) }

        let router = try Self.startRouter(in: folder)
        defer { router.kill(SIGTERM) }
        let port = try await router.port()
        // The router process itself runs as the unprivileged user.
        let status = try String(contentsOfFile: "/proc/\(router.pid)/status", encoding: .utf8)
        if geteuid() == 0 {
            let uidLine = status.split(separator: "\n").first { $0.hasPrefix("Uid:") } ?? ""
            #expect(uidLine.split(whereSeparator: \.isWhitespace).dropFirst().allSatisfy { $0 == Self.nobody }, "\(uidLine)")
        }

        // A client, also unprivileged: the trainer's health probe over our gRPC client.
        let (probeProgram, probeArguments) = Self.unprivileged(
            [folder.appendingPathComponent("zooter-trainer").path, "health", "--target", "127.0.0.1:\(port)"])
        let probe = try await ChildProcess.run(probeProgram.path, probeArguments)
        #expect(probe.status == 0, "health check as an unprivileged client failed: \(probe.output)\(probe.standardError)\nrouter: \(router.output)")
        #expect(probe.output.contains("SERVING") || probe.output.contains("serving"), "\(probe.output)\(probe.standardError)")
    }

    /// The gateway as uid 65534: it serves HTTP and calls an expert (pass-through, so no model is
    /// needed on the router) and the router's health.
    @Test func gatewayServesAndForwardsAsAnUnprivilegedUser() async throws {
        let folder = try await Self.stage()
        defer { try? FileManager.default.removeItem(at: folder) }
        let router = try Self.startRouter(in: folder)
        defer { router.kill(SIGTERM) }
        let routerPort = try await router.port()
        let stub = try ChildProcess(path: URL(fileURLWithPath: "/usr/bin/env"),
                                    ["python3", GatewayEndToEndTests.interop.appendingPathComponent("stub_openai_expert.py").path, "solo"],
                                    name: "stub expert", keepInputOpen: true)
        defer { stub.closeInput(); stub.kill(SIGTERM) }
        let stubPort = Int(try await stub.line(matching: #"solo \d+"#).split(separator: " ")[1])!
        let configuration: [String: Any] = ["router": ["targets": "127.0.0.1:\(routerPort)"],
                                            "experts": [["name": "solo", "base_url": "http://127.0.0.1:\(stubPort)/v1"]]]
        try JSONSerialization.data(withJSONObject: configuration).write(to: folder.appendingPathComponent("gateway.json"))
        _ = try await ChildProcess.run("/bin/chmod", ["a+r", folder.appendingPathComponent("gateway.json").path])
        let (program, arguments) = Self.unprivileged(
            [folder.appendingPathComponent("zooter-gateway").path, "--config", folder.appendingPathComponent("gateway.json").path,
             "--port", "0", "--allow-anonymous"])
        let gateway = try ServiceProcess(path: program, arguments, name: "unprivileged gateway")
        defer { gateway.kill(SIGTERM) }
        let port = try await gateway.port()
        if geteuid() == 0 {
            let status = try String(contentsOfFile: "/proc/\(gateway.pid)/status", encoding: .utf8)
            let uidLine = status.split(separator: "\n").first { $0.hasPrefix("Uid:") } ?? ""
            #expect(uidLine.split(whereSeparator: \.isWhitespace).dropFirst().allSatisfy { $0 == Self.nobody }, "\(uidLine)")
        }
        #expect(try await MetricsEndToEndTests.get("http://127.0.0.1:\(port)/health/live").status == 200)
        // The router has no model loaded: not ready, and the gateway says so rather than failing.
        let ready = try await MetricsEndToEndTests.get("http://127.0.0.1:\(port)/health/ready")
        #expect(ready.status == 503 && (ready.body.contains("not_serving") || ready.body.contains("notServing")), "\(ready)")
        let run = try await ChildProcess.run("/usr/bin/curl", ["-s", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)/v1/chat/completions",
                                                               "-d", #"{"model": "solo", "messages": [{"role": "user", "content": "hi"}]}"#])
        #expect(run.output.hasSuffix("\n200") && run.output.contains("answer from solo: hi"), "\(run.output)\n\(gateway.output)")
    }
}
