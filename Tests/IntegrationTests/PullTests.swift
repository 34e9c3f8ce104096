import Core
import Foundation
import Testing

/// Our `ctr images pull` (registry client + containerd API) into our daemon and into containerd.
@Suite("Pull", .timeLimit(.minutes(3)), .enabled(if: haveContainerd && haveRegistryTools))
struct PullTests {
    @Test("our pull into our daemon: layers verified and labelled, a second pull finds everything, errors are clear")
    func pullIntoOurs() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("busybox", extraMB: 1)
        let dir = try TemporaryDirectory("ctr-pull")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let reference = "\(registry.host)/busybox:latest"

        #expect(try ctr(a + ["images", "pull", "--quiet", reference]) == manifest + "\n")
        #expect(try ctr(a + ["images", "ls", "-q"]) == reference + "\n")
        let digests = try ctr(a + ["content", "ls", "-q"]).split(separator: "\n")
        #expect(digests.count == 4, "manifest, config and two layers: \(digests)")
        #expect(try ctr(a + ["content", "label", manifest]).contains("containerd.io/gc.ref.content.l.1=sha256:"))
        #expect(try ctr(a + ["leases", "ls", "-q"]).isEmpty, "the pull's lease is gone")

        let again = try ctr(a + ["images", "pull", reference])
        #expect(again.split(separator: "\n").filter { $0.hasPrefix("exists") }.count == 4, "\(again)")
        // containerd's client reads what ours stored.
        #expect(try containerdClient(a + ["images", "ls", "-q"]) == reference + "\n")

        let missing = try run(ctrBinary, a + ["images", "pull", "\(registry.host)/busybox:nope"])
        #expect(missing.status == 1)
        #expect(missing.stderr == "ctr: pull \(registry.host)/busybox:nope: not found in registry\n")
        let port = try freePort()
        let unreachable = try run(ctrBinary, a + ["images", "pull", "127.0.0.1:\(port)/busybox:1"])
        #expect(unreachable.status == 1)
        #expect(unreachable.stderr == "ctr: registry 127.0.0.1:\(port) unreachable: connection refused\n")
        try daemon.stop()
    }

    @Test("a blob whose bytes do not match its digest fails the pull and leaves nothing behind")
    func digestMismatch() throws {
        let port = try freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        server.arguments = [repositoryRoot + "/scripts/fixtures/bad-registry.py", String(port)]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: children inherit the test runner's blocked signals, so SIGTERM may stay pending.
        defer {
            kill(server.processIdentifier, SIGKILL)
            server.waitUntilExit()
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while !tcpAccepts(port: port) && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.05) }

        let dir = try TemporaryDirectory("ctr-bad")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        let output = try run(ctrBinary, a + ["images", "pull", "127.0.0.1:\(port)/bad:latest"])
        #expect(output.status == 1)
        #expect(output.stderr.contains("does not match its descriptor"), "\(output)")
        #expect(try ctr(a + ["images", "ls", "-q"]).isEmpty)
        let active = try ctr(a + ["content", "active", "-o", "json"])
        #expect(active.trimmingCharacters(in: .whitespacesAndNewlines) == "[]", "no ingest stays: \(active)")
        // Whatever was committed (the config) is not referenced by anything and goes with GC.
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try ctr(a + ["content", "ls", "-q"]).isEmpty)
        try daemon.stop()
    }

    @Test("our pull against Debian's containerd")
    func pullIntoContainerd() throws {
        let registry = try LocalRegistry()
        let manifest = try registry.pushBusybox("busybox")
        let dir = try TemporaryDirectory("ctr-pcd")
        defer { dir.remove() }
        let containerd = try DaemonProcess.containerd(in: dir.path)
        let a = ["--address", containerd.socket]
        let reference = "\(registry.host)/busybox:latest"
        #expect(try ctr(a + ["images", "pull", "-q", reference]) == manifest + "\n")
        let listed = try containerdClient(a + ["images", "ls"])
        #expect(listed.contains(reference) && listed.contains(manifest), "\(listed)")
        #expect(try containerdClient(a + ["content", "ls", "-q"]).split(separator: "\n").count == 3)
        try containerd.stop()
    }
}
