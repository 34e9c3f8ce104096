import API
import Core
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import Testing
import TestSupport

/// Start-up, configuration, shutdown and restart of the real `ctr daemon`.
@Suite("Daemon lifecycle", .timeLimit(.minutes(3)))
struct DaemonLifecycleTests {
    @Test("SIGTERM with a call in flight: the call completes, the daemon exits 0 and removes its socket")
    func sigtermDrains() async throws {
        let dir = try TemporaryDirectory("ctr-term")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let pid = daemon.pid
        let transport = try HTTP2ClientTransport.Posix(
            target: .unixDomainSocket(path: daemon.socket), transportSecurity: .plaintext)
        let received = try await withGRPCClient(transport: transport) { client in
            let health = Grpc_Health_V1_Health.Client(wrapping: client)
            return try await health.watch(.init()) { response in
                var statuses: [Grpc_Health_V1_HealthCheckResponse.ServingStatus] = []
                for try await message in response.messages {
                    statuses.append(message.status)
                    // The watch is now in flight: ask the daemon to stop.
                    kill(pid, SIGTERM)
                }
                return statuses
            }
        }
        // The stream ended with an OK status (iteration did not throw) after the first message.
        #expect(received == [.serving])
        #expect(try daemon.wait() == 0)
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
        #expect(daemon.log.contains("stop requested"))
        #expect(daemon.log.contains("daemon stopped"))
    }

    @Test("the socket is 0660, and logs are structured key=value lines")
    func socketModeAndLogs() throws {
        let dir = try TemporaryDirectory("ctr-mode")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socket)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
        let ready = daemon.log.split(separator: "\n").first { $0.contains("daemon ready") }
        #expect(ready?.hasPrefix("time=\"") == true)
        #expect(ready?.contains("level=info msg=\"daemon ready\" address=\(daemon.socket)") == true, "\(daemon.log)")
        try daemon.stop()
    }

    @Test("a stale socket from a crashed daemon is replaced; a live daemon's socket is refused")
    func staleAndLiveSockets() throws {
        let dir = try TemporaryDirectory("ctr-sock")
        defer { dir.remove() }
        let first = try DaemonProcess.ours(in: dir.path)
        try first.crash()
        #expect(FileManager.default.fileExists(atPath: first.socket), "a crash leaves the socket file behind")

        let second = try DaemonProcess.ours(in: dir.path)
        #expect(try ctr(["-a", second.socket, "version"]).contains("Server:"))

        let third = try DaemonProcess.ours(in: dir.path, waitForReady: false)
        #expect(try third.wait() == 1)
        #expect(third.log.contains("another daemon is listening on \(second.socket)"), "\(third.log)")
        // The refused daemon did not disturb the live one.
        #expect(try ctr(["-a", second.socket, "version"]).contains("Server:"))
        try second.stop()
    }

    @Test("systemd's notify protocol: READY=1 once the socket answers, STOPPING=1 on SIGTERM; shims and containers never see NOTIFY_SOCKET")
    func serviceNotifications() throws {
        let dir = try TemporaryDirectory("ctr-notify")
        defer {
            cleanUpRuntime(dir.path)
            dir.remove()
        }
        let archive = try busyboxArchive(in: dir.path)
        let listener = try NotifyListener(path: dir.path + "/notify.sock")
        defer { listener.close() }
        let daemon = try DaemonProcess.ours(in: dir.path, waitForReady: false,
                                            environment: ["NOTIFY_SOCKET": listener.path])
        let ready = try #require(listener.receive(timeout: .seconds(30)), "no notification: \(daemon.log)")
        // Checked the moment READY=1 arrives: the socket already takes calls.
        #expect(UnixSocket.probe(daemon.socket) == nil, "READY=1 came before the socket answered")
        #expect(ready.contains("READY=1\n") && ready.contains("MAINPID=\(daemon.pid)\n"), "\(ready)")
        #expect(ready.contains("STATUS=serving on \(daemon.socket)"), "\(ready)")

        let a = ["--address", daemon.socket]
        try ctr(a + ["images", "import", "--base-name", "example.com/busybox", archive])
        try ctr(a + ["run", "-d", "example.com/busybox:v1", "quiet", "sleep", "1000"])
        let task = try ctr(a + ["tasks", "ls"]).split(separator: "\n").first { $0.hasPrefix("quiet") }
        let containerPID = try #require(task?.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first)
        let shimPID = try String(contentsOfFile: dir.path + "/state/io.containerd.runtime.v2.task/default/quiet/shim.pid",
                                 encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        for (what, pid) in [("the shim", shimPID), ("the container", String(containerPID))] {
            let environ = try Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
            #expect(!String(decoding: environ, as: UTF8.self).contains("NOTIFY_SOCKET"), "\(what) inherited NOTIFY_SOCKET")
        }
        try ctr(a + ["tasks", "kill", "-s", "SIGKILL", "quiet"])
        _ = try? ctr(a + ["tasks", "rm", "quiet"])

        daemon.signal(SIGTERM)
        let stopping = try #require(listener.receive(timeout: .seconds(30)), "no STOPPING=1: \(daemon.log)")
        #expect(stopping.contains("STOPPING=1\n") && stopping.contains("EXTEND_TIMEOUT_USEC="), "\(stopping)")
        #expect(try daemon.wait() == 0)
    }

    @Test("namespaces survive a SIGKILL and a restart")
    func namespacesSurviveRestart() throws {
        let dir = try TemporaryDirectory("ctr-rst")
        defer { dir.remove() }
        var daemon = try DaemonProcess.ours(in: dir.path)
        try ctr(["-a", daemon.socket, "ns", "create", "kept", "a=1"])
        let uuid = try ctr(["-a", daemon.socket, "version"]).split(separator: "\n").last
        try daemon.crash()
        daemon = try DaemonProcess.ours(in: dir.path)
        #expect(try ctr(["-a", daemon.socket, "ns", "ls"]).contains("kept      a=1"))
        #expect(try ctr(["-a", daemon.socket, "version"]).split(separator: "\n").last == uuid, "uuid is stable")
        try daemon.stop()
        daemon = try DaemonProcess.ours(in: dir.path)
        #expect(try ctr(["-a", daemon.socket, "ns", "ls", "-q"]).contains("kept"))
        try daemon.stop()
    }

    @Test("required plugins: missing or disabled stops the daemon with a message naming it", arguments: [
        ("required_plugins = [\"io.containerd.grpc.v1.nope\"]",
         "required plugin io.containerd.grpc.v1.nope is not registered"),
        ("required_plugins = [\"io.containerd.grpc.v1.cri\"]\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]",
         "required plugin io.containerd.grpc.v1.cri is disabled"),
        ("required_plugins = [\"io.containerd.grpc.v1.namespaces\"]\ndisabled_plugins = [\"io.containerd.metadata.v1.sqlite\"]",
         "required plugin io.containerd.grpc.v1.namespaces failed to load: no plugin of type io.containerd.metadata.v1 is loaded"),
    ])
    func requiredPlugins(config: String, message: String) throws {
        let dir = try TemporaryDirectory("ctr-req")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path, config: "version = 2\n" + config + "\n", waitForReady: false)
        #expect(try daemon.wait() == 1)
        #expect(daemon.log.contains("ctr: " + message), "\(daemon.log)")
        #expect(!FileManager.default.fileExists(atPath: daemon.socket))
    }

    @Test("a bad config stops the daemon with file, key and reason")
    func badConfig() throws {
        let dir = try TemporaryDirectory("ctr-cfg")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(in: dir.path, config: "version = 2\n[grpc]\nuid = \"root\"\n",
                                            waitForReady: false)
        #expect(try daemon.wait() == 1)
        #expect(daemon.log.contains(
            "ctr: invalid config \(dir.path)/config.toml: key \"grpc.uid\": expected an integer, found a string"),
            "\(daemon.log)")
        let broken = try DaemonProcess.ours(in: dir.path, config: "version = 2\n[grpc\n", waitForReady: false)
        #expect(try broken.wait() == 1)
        #expect(broken.log.contains("ctr: invalid config \(dir.path)/config.toml: line 2"), "\(broken.log)")
    }

    @Test("containerd's default config runs, its unused keys reported once", .usesContainerd)
    func containerdDefaultConfig() throws {
        let dir = try TemporaryDirectory("ctr-cdcfg")
        defer { dir.remove() }
        let config = try run(containerdBinary, ["config", "default"]).stdout
        let daemon = try DaemonProcess.ours(in: dir.path, config: config)
        #expect(try ctr(["-a", daemon.socket, "plugins", "ls"]).contains("cri"))
        let warnings = daemon.log.split(separator: "\n").filter { $0.contains("config keys ignored") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("oom_score") == true)
        try daemon.stop()
    }

    @Test("with the CRI plugin disabled, CRI calls fail clearly and containerd services still work")
    func criDisabled() throws {
        let dir = try TemporaryDirectory("ctr-nocri")
        defer { dir.remove() }
        let daemon = try DaemonProcess.ours(
            in: dir.path, config: "version = 2\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n")
        let version = try run(ctrBinary, ["cri", "-r", daemon.socket, "version"])
        #expect(version.status == 1)
        #expect(version.stderr.hasPrefix("ctr: the runtime does not serve this CRI call"), "\(version)")
        #expect(version.stderr.split(separator: "\n").count == 1)
        #expect(try !ctr(["-a", daemon.socket, "plugins", "ls"]).contains("cri"))
        #expect(try ctr(["-a", daemon.socket, "ns", "ls", "-q"]).contains("default"))
        try daemon.stop()
    }

    @Test("with the CRI plugin on, `ctr cri version` and `info` answer from the same socket")
    func criEnabled() throws {
        let dir = try TemporaryDirectory("ctr-cri")
        defer { dir.remove() }
        let netd = dir.path + "/net.d"
        try FileManager.default.createDirectory(atPath: netd, withIntermediateDirectories: true)
        let daemon = try DaemonProcess.ours(in: dir.path, config: """
            version = 2
            [plugins."io.containerd.grpc.v1.cri".cni]
              conf_dir = "\(netd)"
            """)
        let version = try ctr(["cri", "--runtime-endpoint", "unix://" + daemon.socket, "version"])
        #expect(version == "Version:  0.1.0\nRuntimeName:  ctr\nRuntimeVersion:  \(CtrVersion.version)\nRuntimeApiVersion:  v1\n")
        let info = try JSONValue.parse(try ctr(["cri", "info"], environment: ["CONTAINER_RUNTIME_ENDPOINT": daemon.socket]))
        guard case .array(let conditions)? = info["status"]?["conditions"] else {
            Issue.record("no conditions"); return
        }
        #expect(conditions.first?["type"] == .string("RuntimeReady"))
        #expect(conditions.first?["status"] == .bool(true))
        #expect(conditions.last?["status"] == .bool(false), "no CNI config yet")
        #expect(info["config"]?["cni"]?["confDir"] == .string(netd))
        // A CNI config written later is picked up without a restart.
        try #"{"cniVersion":"1.0.0","name":"n","plugins":[{"type":"loopback"}]}"#
            .write(toFile: netd + "/10-test.conflist", atomically: false, encoding: .utf8)
        let after = try JSONValue.parse(try ctr(["cri", "-r", daemon.socket, "info"]))
        guard case .array(let updated)? = after["status"]?["conditions"] else { Issue.record("no conditions"); return }
        #expect(updated.last?["status"] == .bool(true))
        try daemon.stop()
    }

    @Test("`daemon config default` prints loadable defaults; `dump` shows file and flags applied")
    func configCommands() throws {
        let dir = try TemporaryDirectory("ctr-dump")
        defer { dir.remove() }
        let defaults = try ctr(["daemon", "config", "default"])
        #expect(defaults.contains("root = \"/var/lib/ctr\"") && defaults.contains("[plugins.\"io.containerd.grpc.v1.cri\"]"))
        try defaults.write(toFile: dir.path + "/defaults.toml", atomically: false, encoding: .utf8)
        try "version = 2\n[plugins.\"io.containerd.grpc.v1.cri\"]\nsandbox_image = \"example.com/pause:1\"\n"
            .write(toFile: dir.path + "/c.toml", atomically: false, encoding: .utf8)
        let dump = try ctr(["daemon", "config", "dump", "--config", dir.path + "/c.toml", "--root", "/srv/ctr"])
        #expect(dump.contains("root = \"/srv/ctr\""))
        #expect(dump.contains("sandbox_image = \"example.com/pause:1\""))
        // The printed defaults run a daemon as they are (with flags for a private socket and root).
        let daemon = try DaemonProcess.ours(in: dir.path, config: defaults)
        #expect(try ctr(["-a", daemon.socket, "plugins", "ls", "-q"]).contains("cri"))
        try daemon.stop()
    }

    @Test("an unreachable socket: one line with a hint, non-zero exit")
    func unreachable() throws {
        let output = try run(ctrBinary, ["--address", "/tmp/ctr-no-such-daemon.sock", "version"])
        #expect(output.status == 1)
        #expect(output.stderr == """
            ctr: cannot connect to /tmp/ctr-no-such-daemon.sock: no such file or directory: is "ctr daemon" \
            (or containerd) running? (set --address or CONTAINERD_ADDRESS)

            """)
        #expect(output.stdout.isEmpty)
    }
}

/// The socket a `Type=notify` unit's manager listens on: datagrams of `KEY=VALUE` lines.
final class NotifyListener {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard fd >= 0, bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw TestFailure("notify socket") }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw TestFailure("bind \(path): errno \(errno)") }
    }

    /// The next datagram, or nil after `timeout`.
    func receive(timeout: Duration) -> String? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout.components.seconds * 1000)) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : nil
    }

    func close() {
        Glibc.close(fd)
        unlink(path)
    }
}
