import Core
import Foundation
import Testing
import TestSupport

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

    /// Publishes probe events until every subscriber has received one, then a last, distinct one,
    /// and waits for that one everywhere: events arrive in order, so every line after it is new.
    /// Returns each subscriber's line count at that point.
    func subscribe(_ subscribers: [Subscriber], probe: (String) throws -> Void) throws -> [Int] {
        var round = 0
        try eventually("the subscriptions to be registered", timeout: .seconds(20)) {
            round += 1
            try probe("p\(round)")
            return subscribers.allSatisfy { !$0.lines.isEmpty }
        }
        try probe("ready")
        try eventually("the last probe at every subscriber") {
            subscribers.allSatisfy { $0.lines.last?.contains("ready") == true }
        }
        return subscribers.map(\.lines.count)
    }

    @Test("namespace and image changes reach our `ctr events` and containerd's, filters apply", .usesContainerd,
          .enabled(if: haveRegistryTools))
    func publishAndSubscribe() throws {
        let dir = try TemporaryDirectory("ctr-ev")
        defer { dir.remove() }
        let archive = try busyboxArchive(in: dir.path)
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        try ctr(a + ["images", "import", "--no-unpack", "--base-name", "example.com/events", archive])
        let image = "example.com/events:v1"
        let all = try Subscriber(ctrBinary, a + ["events"], path: dir.path + "/all.txt")
        let images = try Subscriber(ctrBinary, a + ["events", "topic~=^/images/"], path: dir.path + "/images.txt")
        let go = try Subscriber(containerdCtr, a + ["events"], path: dir.path + "/go.txt")
        // New tags are probes every subscriber, the filtered one included, receives.
        let seen = try subscribe([all, images, go]) { try ctr(a + ["images", "tag", image, "example.com/events:\($0)"]) }

        // Namespace events are published in the caller's namespace, as containerd does.
        try ctr(a + ["namespaces", "create", "evt", "a=b"])
        try ctr(a + ["namespaces", "label", "evt", "c=d"])
        try ctr(a + ["namespaces", "rm", "evt"])
        try ctr(a + ["images", "tag", image, "example.com/events:copy"])
        try ctr(a + ["images", "rm", "example.com/events:copy"])

        let lines = Array(all.wait(for: seen[0] + 5).dropFirst(seen[0]))
        #expect(lines.count == 5, "\(lines)")
        #expect(lines.first?.contains(" default /namespaces/create {\"name\":\"evt\",\"labels\":{\"a\":\"b\"}}") == true, "\(lines)")
        #expect(lines.dropFirst().first?.contains("/namespaces/update") == true, "\(lines)")
        #expect(lines.dropFirst(2).first?.contains("/namespaces/delete {\"name\":\"evt\"}") == true, "\(lines)")
        #expect(lines.dropFirst(3).first?.contains(" default /images/create {\"name\":\"example.com/events:copy\"") == true,
                "\(lines)")
        #expect(lines.dropFirst(4).first?.contains(" default /images/delete {\"name\":\"example.com/events:copy\"") == true,
                "\(lines)")
        // The topic filter keeps the namespace events out and lets the image events through.
        let imageLines = Array(images.wait(for: seen[1] + 2).dropFirst(seen[1]))
        #expect(imageLines.count == 2 && imageLines.allSatisfy { $0.contains(" /images/") }, "\(imageLines)")
        #expect(imageLines.first?.contains("/images/create") == true && imageLines.last?.contains("/images/delete") == true)
        // containerd's ctr decodes the same five events from our stream.
        let goLines = Array(go.wait(for: seen[2] + 5).dropFirst(seen[2]))
        #expect(goLines.count == 5, "\(goLines)")
        for (line, topic) in zip(goLines, ["/namespaces/create", "/namespaces/update", "/namespaces/delete",
                                           "/images/create", "/images/delete"]) {
            #expect(line.contains(topic) && (line.contains("evt") || line.contains("example.com/events:copy")), "\(goLines)")
        }
        try daemon.stop()
    }

    @Test("a subscriber does not keep the daemon from stopping")
    func subscriberAndShutdown() throws {
        let dir = try TemporaryDirectory("ctr-evs")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let subscriber = try Subscriber(ctrBinary, a + ["events"], path: dir.path + "/s.txt")
        _ = try subscribe([subscriber]) { try ctr(a + ["namespaces", "create", $0]) }
        let started = ContinuousClock.now
        #expect(try daemon.stop() == 0)
        #expect(ContinuousClock.now - started < .seconds(5))
        subscriber.process.waitUntilExit()
        #expect(subscriber.process.terminationStatus == 0, "the subscription ends cleanly with the daemon")
    }
}
