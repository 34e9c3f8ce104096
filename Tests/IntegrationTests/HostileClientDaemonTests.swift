import Foundation
import Testing
import TestSupport

/// The hostile-client cases (`Tests/Fixtures/scripts/hostile-grpc.py`) against the real daemon,
/// each beside a bystander that calls Version every 20 ms. `bench/hostile.py` runs the same cases
/// against containerd too and writes `docs/hostile-clients.md`.
@Suite("Hostile gRPC clients against the daemon", .serialized, .timeLimit(.minutes(8)))
struct HostileClientDaemonTests {
    static let script = repositoryRoot + "/Tests/Fixtures/scripts/hostile-grpc.py"

    struct Levels {
        var anonKiB: Int
        var threads: Int
        var fds: Int

        init(_ pid: Int32) throws {
            let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
            func field(_ name: String) -> Int {
                let line = status.split(separator: "\n").first { $0.hasPrefix(name + ":") } ?? ""
                return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? -1
            }
            anonKiB = field("RssAnon")
            threads = field("Threads")
            fds = (try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")).count
        }
    }

    func hostile(_ socket: String, _ name: String) throws -> [String: Any] {
        let output = try run("/usr/bin/python3", [Self.script, socket, name], timeout: .seconds(240))
        guard output.status == 0, let report = try JSONSerialization.jsonObject(with: output.stdoutBytes) as? [String: Any]
        else { throw TestFailure("hostile-grpc.py \(name): \(output)") }
        return report
    }

    static let cases = [
        "malformed-frames", "bad-headers", "oversized-truncated", "hpack-bomb", "continuation-flood", "stream-flood",
        "rapid-reset", "ping-flood-reading", "ping-flood-not-reading", "settings-flood", "window-update", "never-reads",
        "slowloris", "connection-burst", "idle-connections",
    ]

    @Test("each hostile case beside a bystander: the daemon lives, the bystander gets every answer, memory, descriptors and threads come back to their level")
    func everyCase() throws {
        let dir = try TemporaryDirectory("ctr-hostile")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let pid = daemon.pid
        _ = try hostile(daemon.socket, "bad-headers")  // warm up: first calls, buffers, threads
        Thread.sleep(forTimeInterval: 6)
        let baseline = try Levels(pid)
        var summary: [String] = []
        for name in Self.cases {
            let report = try hostile(daemon.socket, name)
            let bystander = report["bystander"] as? [String: Any] ?? [:]
            #expect(bystander["failures"] as? Int == 0, "\(name): \(report)")
            #expect((bystander["calls"] as? Int ?? 0) > 0, "\(name): \(report)")
            #expect(kill(pid, 0) == 0, "the daemon lives after \(name)")
            // Back to the baseline within seconds (freed memory is trimmed every 5 s).
            var after = try Levels(pid)
            let deadline = ContinuousClock.now + .seconds(15)
            while (after.anonKiB > baseline.anonKiB + 12 * 1024 || after.fds > baseline.fds + 2
                   || after.threads > baseline.threads + 2), ContinuousClock.now < deadline {
                Thread.sleep(forTimeInterval: 0.5)
                after = try Levels(pid)
            }
            #expect(after.anonKiB <= baseline.anonKiB + 12 * 1024, "\(name): RssAnon \(baseline.anonKiB) → \(after.anonKiB) KiB")
            #expect(after.fds <= baseline.fds + 2, "\(name): descriptors \(baseline.fds) → \(after.fds)")
            #expect(after.threads <= baseline.threads + 2, "\(name): threads \(baseline.threads) → \(after.threads)")
            summary.append("\(name): \(report["result"] ?? "")")
        }
        // What each case met, for the log of a failing run.
        print(summary.joined(separator: "\n"))
        #expect(try ctr(["--address", daemon.socket, "version"]).contains("Server:"))
        #expect(try daemon.stop() == 0)
    }

    @Test("SIGTERM with hostile clients in flight: the daemon exits 0, promptly")
    func sigtermInFlight() throws {
        let dir = try TemporaryDirectory("ctr-hostile-term")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let flights = try ["slowloris", "never-reads", "settings-flood", "stream-flood", "idle-connections"].map { name in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [Self.script, daemon.socket, name]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        defer {
            for flight in flights where flight.isRunning {
                flight.terminate()
                flight.waitUntilExit()
            }
        }
        Thread.sleep(forTimeInterval: 2)
        let started = ContinuousClock.now
        #expect(try daemon.stop() == 0)
        let took = ContinuousClock.now - started
        #expect(took < .seconds(15), "stopped after \(took)")
    }
}
