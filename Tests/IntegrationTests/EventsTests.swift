import Core
import Foundation
import Testing

/// The Events service: changes made through the API are published, and subscribers see them.
@Suite("Events", .timeLimit(.minutes(2)))
struct EventsTests {
    /// Starts `ctr events` (or containerd's) in the background, writing to a file.
    final class Subscriber {
        let process = Process()
        let path: String

        init(_ executable: String, _ arguments: [String], path: String) throws {
            self.path = path
            FileManager.default.createFile(atPath: path, contents: nil)
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            process.standardError = FileHandle.nullDevice
            try process.run()
        }

        var lines: [String] {
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        /// Waits until `count` lines arrived (or the deadline passes), then returns them.
        func wait(for count: Int, timeout: Duration = .seconds(10)) -> [String] {
            let deadline = ContinuousClock.now + timeout
            while lines.count < count && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }
            return lines
        }

        deinit {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }
    }

    @Test("namespace and image changes reach our `ctr events` and containerd's, filters apply")
    func publishAndSubscribe() throws {
        let dir = try TemporaryDirectory("ctr-ev")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let all = try Subscriber(ctrBinary, a + ["events"], path: dir.path + "/all.txt")
        let images = try Subscriber(ctrBinary, a + ["events", "topic~=^/images/"], path: dir.path + "/images.txt")
        var go: Subscriber?
        if haveContainerd {
            go = try Subscriber(containerdCtr, a + ["events"], path: dir.path + "/go.txt")
        }
        // Namespace events are published in the caller's namespace, as containerd does.
        // Give the subscriptions a moment to be registered before publishing.
        Thread.sleep(forTimeInterval: 0.5)

        try ctr(a + ["namespaces", "create", "evt", "a=b"])
        try ctr(a + ["namespaces", "label", "evt", "c=d"])
        try ctr(a + ["namespaces", "rm", "evt"])

        let lines = all.wait(for: 3)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.first?.contains(" default /namespaces/create {\"name\":\"evt\",\"labels\":{\"a\":\"b\"}}") == true, "\(lines)")
        #expect(lines.dropFirst().first?.contains("/namespaces/update") == true)
        #expect(lines.last?.contains("/namespaces/delete {\"name\":\"evt\"}") == true)
        #expect(images.lines.isEmpty, "the topic filter keeps namespace events out")
        if let go {
            let seen = go.wait(for: 3)
            #expect(seen.count == 3 && seen[0].contains("/namespaces/create") && seen[0].contains("evt"), "\(seen)")
        }
    }

    @Test("a subscriber does not keep the daemon from stopping")
    func subscriberAndShutdown() throws {
        let dir = try TemporaryDirectory("ctr-evs")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let subscriber = try Subscriber(ctrBinary, ["--address", daemon.socket, "events"], path: dir.path + "/s.txt")
        Thread.sleep(forTimeInterval: 0.3)
        let started = ContinuousClock.now
        #expect(try daemon.stop() == 0)
        #expect(ContinuousClock.now - started < .seconds(5))
        subscriber.process.waitUntilExit()
        #expect(subscriber.process.terminationStatus == 0, "the subscription ends cleanly with the daemon")
    }
}
