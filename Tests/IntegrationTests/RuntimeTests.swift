import Core
import Foundation
import Testing
import TestSupport

/// Containers and tasks under runc, through `ctr shim`: our ctr and containerd's against our
/// daemon, ours against containerd, and tasks that survive a daemon crash.
@Suite("Runtime", .serialized, .timeLimit(.minutes(5)), .enabled(if: haveRegistryTools && haveRunc))
struct RuntimeTests {
    @Test("ctr run: output, exit codes, terminal, memory limit, exec, kill; --rm leaves nothing behind", .usesContainerd)
    func runAndTasks() throws {
        let dir = try TemporaryDirectory("ctr-run")
        defer {
            cleanUpRuntime(dir.path)
            dir.remove()
        }
        let archive = try busyboxArchive(in: dir.path)
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        try ctr(a + ["images", "import", "--base-name", "example.com/busybox", archive])
        let image = "example.com/busybox:v1"

        #expect(try ctr(a + ["run", "--rm", image, "hello", "echo", "hello"]) == "hello\n")
        // An image whose User is a name: looked up in the image's own /etc/passwd and /etc/group.
        try ctr(a + ["images", "import", "--base-name", "example.com/busybox",
                     try busyboxArchive(in: dir.path, tag: "nobody", user: "nobody")])
        let identity = try ctr(a + ["run", "--rm", "example.com/busybox:nobody", "who", "id"])
        #expect(identity.contains("uid=65534(nobody)") && identity.contains("50(staff)"), "\(identity)")
        let failing = try run(ctrBinary, a + ["run", "--rm", image, "seven", "sh", "-c", "echo out; echo err >&2; exit 7"])
        #expect(failing.status == 7 && failing.stdout == "out\n" && failing.stderr == "err\n", "\(failing)")
        let tty = try run("/usr/bin/script", ["-qec", ([ctrBinary] + a + ["run", "-t", "--rm", image, "tty", "sh", "-c", "tty"]).joined(separator: " "),
                                              "/dev/null"])
        #expect(tty.status == 0 && tty.stdout.contains("/dev/pts/0"), "\(tty)")

        // Detached, with a memory limit the cgroup enforces.
        try ctr(a + ["run", "-d", "--memory-limit", "33554432", "--cpus", "0.5", image, "limited", "sleep", "1000"])
        let limit = try String(contentsOfFile: "/sys/fs/cgroup/memory/default/limited/memory.limit_in_bytes", encoding: .utf8)
        #expect(limit.trimmingCharacters(in: .whitespacesAndNewlines) == "33554432")
        let quota = try String(contentsOfFile: "/sys/fs/cgroup/cpu/default/limited/cpu.cfs_quota_us", encoding: .utf8)
        #expect(quota.trimmingCharacters(in: .whitespacesAndNewlines) == "50000")
        let metrics = try ctr(a + ["tasks", "metrics", "limited"])
        #expect(metrics.contains("33554432") && metrics.contains("pids.current"), "\(metrics)")
        let theirMetrics = try containerdClient(a + ["tasks", "metrics", "limited"])
        #expect(theirMetrics.contains("memory.usage_in_bytes"), "containerd's ctr decodes our metrics: \(theirMetrics)")
        #expect(try ctr(a + ["tasks", "ls"]).contains("RUNNING"))
        #expect(try ctr(a + ["tasks", "exec", "--exec-id", "e1", "limited", "sh", "-c", "echo in-container"]) == "in-container\n")
        let execFails = try run(ctrBinary, a + ["tasks", "exec", "--exec-id", "e2", "limited", "sh", "-c", "exit 4"])
        #expect(execFails.status == 4)
        #expect(try ctr(a + ["tasks", "ps", "limited"]).split(separator: "\n").count >= 2)
        try ctr(a + ["tasks", "pause", "limited"])
        #expect(try ctr(a + ["tasks", "ls"]).contains("PAUSED"))
        try ctr(a + ["tasks", "resume", "limited"])
        let busy = try run(ctrBinary, a + ["tasks", "rm", "limited"])
        #expect(busy.status == 1 && busy.stderr.contains("must be stopped") && busy.stderr.contains("--force"), "\(busy)")
        // sleep as PID 1 ignores SIGTERM; SIGKILL stops it. Ignoring can only be seen over a window:
        // the task is watched for as long as the SIGKILL below is given to show as STOPPED.
        let window = Duration.seconds(2)
        try ctr(a + ["tasks", "kill", "limited"])
        let watched = ContinuousClock.now
        while ContinuousClock.now - watched < window {
            let listed = try ctr(a + ["tasks", "ls"])
            #expect(listed.contains("RUNNING") && !listed.contains("STOPPED"), "SIGTERM stopped PID 1: \(listed)")
            Thread.sleep(forTimeInterval: 0.1)
        }
        try ctr(a + ["tasks", "kill", "--signal", "SIGKILL", "limited"])
        try eventually("the task to stop", timeout: window) { try ctr(a + ["tasks", "ls"]).contains("STOPPED") }
        try ctr(a + ["tasks", "rm", "limited"])
        try ctr(a + ["containers", "rm", "limited"])

        // A read-only bind mount, and the host's network namespace.
        let shared = dir.path + "/shared"
        try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: true)
        try "from-host".write(toFile: shared + "/file", atomically: false, encoding: .utf8)
        #expect(try ctr(a + ["run", "--rm", "--mount", "type=bind,src=\(shared),dst=/host,options=rbind:ro", image, "mounted",
                             "cat", "/host/file"]) == "from-host")
        let readOnly = try run(ctrBinary, a + ["run", "--rm", "--mount", "type=bind,src=\(shared),dst=/host,options=rbind:ro",
                                               image, "readonly", "touch", "/host/new"])
        #expect(readOnly.status != 0 && !FileManager.default.fileExists(atPath: shared + "/new"))
        let hostNetwork = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
        #expect(try ctr(a + ["run", "--rm", "--net-host", image, "hostnet", "sh", "-c", "readlink /proc/self/ns/net"]) == hostNetwork + "\n")
        let ownNetwork = try ctr(a + ["run", "--rm", image, "ownnet", "sh", "-c", "readlink /proc/self/ns/net"])
        #expect(ownNetwork.hasPrefix("net:[") && ownNetwork.hasSuffix("]\n") && ownNetwork != hostNetwork + "\n",
                "a network namespace of its own: \(ownNetwork)")

        // Nothing is left: containers, snapshots other than the image's, mounts, cgroups, shims.
        #expect(try ctr(a + ["containers", "ls", "-q"]).isEmpty)
        #expect(try ctr(a + ["snapshots", "ls", "-q"]).split(separator: "\n").allSatisfy { $0.hasPrefix("sha256:") })
        #expect(!(try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)).contains(dir.path))
        #expect(FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/default"), "the namespace's cgroup parent")
        for id in ["hello", "seven", "tty", "limited", "mounted", "hostnet"] {
            #expect(!FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/default/\(id)"), "cgroup of \(id) left")
        }
        #expect(try run("/usr/bin/pgrep", ["-f", "ctr shim .*\(dir.path)"]).stdout.isEmpty, "no shim left")

        // containers create / info / label, and the default spec.
        try ctr(a + ["containers", "create", "--env", "MODE=test", image, "made", "sh"])
        let info = try ctr(a + ["containers", "info", "made"])
        #expect(info.contains("\"io.containerd.runc.v2\"") && info.contains("MODE=test") && info.contains("CAP_CHOWN"), "\(info)")
        try ctr(a + ["containers", "label", "made", "team=runtime"])
        #expect(try ctr(a + ["containers", "ls", "labels.team==runtime", "-q"]) == "made\n")
        try ctr(a + ["containers", "rm", "made"])
        let spec = try ctr(["oci", "spec"])
        #expect(spec.contains("\"cgroupsPath\"") && spec.contains("/proc/kcore") && spec.contains("RLIMIT_NOFILE"))
        try daemon.stop()
    }

    @Test("containerd's ctr pulls and runs on our daemon; our ctr pulls and runs on containerd", .usesContainerd)
    func crossClients() throws {
        let registry = try LocalRegistry()
        try registry.pushBusybox("busybox")
        let reference = "\(registry.host)/busybox:latest"
        let dir = try TemporaryDirectory("ctr-cross")
        defer {
            cleanUpRuntime(dir.path)
            dir.remove()
        }
        let daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        try containerdClient(a + ["images", "pull", "--plain-http", reference])
        #expect(try containerdClient(a + ["run", "--rm", reference, "theirs", "echo", "hello"]) == "hello\n")
        let code = try run(containerdCtr, a + ["run", "--rm", reference, "code", "sh", "-c", "exit 3"])
        #expect(code.status == 3, "\(code)")
        try daemon.stop()

        let cdDir = try TemporaryDirectory("ctr-crosscd")
        defer {
            _ = try? run("/usr/bin/pkill", ["-9", "-f", "containerd-shim-runc-v2 .*\(cdDir.path)"])
            cdDir.remove()
        }
        let containerd = try DaemonProcess.containerd(in: cdDir.path)
        let c = ["--address", containerd.socket]
        try ctr(c + ["images", "pull", "-q", reference])
        #expect(try ctr(c + ["run", "--rm", reference, "ours", "echo", "hello"]) == "hello\n")
        let seven = try run(ctrBinary, c + ["run", "--rm", reference, "seven", "sh", "-c", "exit 7"])
        #expect(seven.status == 7, "\(seven)")
        #expect(try ctr(c + ["containers", "ls", "-q"]).isEmpty)
        try containerd.stop()
    }

    @Test("tasks survive a daemon SIGKILL: same PIDs, exec, kill; one that exited meanwhile reports its status")
    func restartSurvival() throws {
        let dir = try TemporaryDirectory("ctr-restart")
        defer {
            cleanUpRuntime(dir.path)
            dir.remove()
        }
        let archive = try busyboxArchive(in: dir.path)
        var daemon = try DaemonProcess.ours(in: dir.path)
        let a = ["--address", daemon.socket]
        try ctr(a + ["images", "import", "--base-name", "example.com/busybox", archive])
        let image = "example.com/busybox:v1"
        for index in 0..<10 {
            try ctr(a + ["run", "-d", image, "c\(index)", "sleep", "1000"])
        }
        try ctr(a + ["run", "-d", image, "quick", "sh", "-c", "while [ ! -e /stop ]; do sleep 0.1; done; exit 5"])
        try ctr(a + ["run", "-d", image, "orphan", "sleep", "1000"])
        func pids() throws -> [String: String] {
            var result: [String: String] = [:]
            for line in try ctr(a + ["tasks", "ls"]).split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                if fields.count >= 3 { result[String(fields[0])] = "\(fields[1]) \(fields[2])" }
            }
            return result
        }
        let before = try pids()
        #expect(before.count == 12 && before.values.allSatisfy { $0.hasSuffix("RUNNING") }, "\(before)")

        try daemon.crash()
        // While the daemon is down: one container finishes, one shim dies.
        let quickPID = try #require(before["quick"]?.split(separator: " ").first.flatMap { pid_t($0) })
        #expect(FileManager.default.createFile(
            atPath: dir.path + "/state/io.containerd.runtime.v2.task/default/quick/rootfs/stop", contents: nil))
        try eventually("quick exits (and its shim reaps it) while the daemon is down") {
            kill(quickPID, 0) != 0 && errno == ESRCH
        }
        _ = try run("/usr/bin/pkill", ["-9", "-f", "ctr shim .*--id orphan .*\(dir.path)"])
        daemon = try DaemonProcess.ours(in: dir.path)

        let after = try pids()
        for index in 0..<10 {
            #expect(after["c\(index)"] == before["c\(index)"], "c\(index): \(String(describing: after["c\(index)"]))")
        }
        #expect(after["quick"]?.hasSuffix("STOPPED") == true)
        let json = try ctr(a + ["tasks", "ls", "-o", "json"])
        guard case .array(let tasks) = try JSONValue.parse(json) else { throw TestFailure("tasks ls -o json: \(json)") }
        let quick = tasks.first { $0["id"] == .string("quick") }
        #expect(quick?["exitStatus"] == .integer(5), "quick's exit status is kept: \(json)")
        #expect(after["orphan"]?.hasSuffix("STOPPED") == true,
                "a task whose shim died is stopped: \(String(describing: after["orphan"]))")

        #expect(try ctr(a + ["tasks", "exec", "--exec-id", "probe", "c0", "echo", "alive"]) == "alive\n")
        try ctr(a + ["tasks", "kill", "--signal", "SIGKILL", "c1"])
        try eventually("c1 to stop") { try pids()["c1"]?.hasSuffix("STOPPED") == true }
        let all = (0..<10).map { "c\($0)" } + ["quick", "orphan"]
        try ctr(a + ["tasks", "rm", "--force"] + all)
        try ctr(a + ["containers", "rm"] + all)
        #expect(try ctr(a + ["tasks", "ls", "-q"]).isEmpty)
        #expect(try run("/usr/bin/pgrep", ["-f", "ctr shim .*\(dir.path)"]).stdout.isEmpty, "no shim left")
        try daemon.stop()
    }
}
