import Core
import Foundation
import Testing
import TestSupport

private extension JSONValue {
    var items: [JSONValue] {
        if case .array(let values) = self { return values }
        return []
    }
}

extension CRITests {
    /// SIGKILL of the daemon while four clients run pod and container lifecycles, ten times:
    /// after each restart what the daemon reports matches runc, and once everything is removed
    /// nothing is left without an owner.
    @Test("SIGKILL mid-work, ten times, with four clients churning pods and containers: the state matches runc after each restart, and nothing leaks")
    func crashesMidWork() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }
        let config = fixture.ourConfig()
        var daemon = try DaemonProcess.ours(in: fixture.path, config: config)
        let cri = CRICLI(socket: daemon.socket)
        try cri("pull", fixture.images.busybox)
        let runcRoot = fixture.path + "/state/io.containerd.runtime.v2.task/runc/k8s.io"
        let clients = try (0..<4).map { index in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = [repositoryRoot + "/Tests/Fixtures/scripts/cri-churn.sh", ctrBinary, daemon.socket,
                                 fixture.path, String(index), fixture.images.busybox]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        defer {
            for client in clients where client.isRunning {
                client.terminate()
                client.waitUntilExit()
            }
        }
        var seen: Set<String> = []
        var checked = (pods: 0, containers: 0, running: 0)
        for cycle in 0..<10 {
            Thread.sleep(forTimeInterval: Double.random(in: 0.8...2.5))
            try daemon.crash()
            // The clients (their shells and the ctr calls in flight) hold still while the state is
            // compared, so that nothing changes between the daemon's answer and runc's.
            _ = try run("/usr/bin/pkill", ["-STOP", "-f", "\(fixture.path)/churn-|cri-churn.sh"])
            daemon = try DaemonProcess.ours(in: fixture.path, config: config)
            defer { _ = try? run("/usr/bin/pkill", ["-CONT", "-f", "\(fixture.path)/churn-|cri-churn.sh"]) }
            // What the restarted daemon reports against what runc has.
            let listed = try run("/usr/sbin/runc", ["--root", runcRoot, "list", "--format", "json"]).stdout
            var runc: [String: String] = [:]
            let entries = (try? JSONSerialization.jsonObject(with: Data(listed.utf8))) as? [[String: Any]] ?? []
            for entry in entries {
                if let id = entry["id"] as? String, let status = entry["status"] as? String { runc[id] = status }
            }
            let containers = try cri.json("ps", "-a", "-o", "json")["containers"]?.items ?? []
            for container in containers {
                let id = container["id"]?.stringValue ?? ""
                let state = container["state"]?.stringValue ?? ""
                seen.insert(id)
                checked.containers += 1
                #expect(state != "CONTAINER_UNKNOWN", "cycle \(cycle): \(id) is unknown")
                if state == "CONTAINER_RUNNING" {
                    checked.running += 1
                    #expect(runc[id] == "running", "cycle \(cycle): \(id) reported running, runc says \(runc[id] ?? "nothing")")
                }
            }
            let pods = try cri.json("pods", "-o", "json")["items"]?.items ?? []
            for pod in pods {
                let id = pod["id"]?.stringValue ?? ""
                seen.insert(id)
                checked.pods += 1
                if pod["state"]?.stringValue == "SANDBOX_READY" {
                    #expect(runc[id] == "running", "cycle \(cycle): pod \(id) ready, its pause container \(runc[id] ?? "gone")")
                }
            }
        }
        // The clients go, and so do their calls in flight (one finishing after the removal below
        // would make a pod the check then finds).
        _ = try run("/usr/bin/pkill", ["-CONT", "-f", "\(fixture.path)/churn-|cri-churn.sh"])
        for client in clients {
            client.terminate()
            client.waitUntilExit()
        }
        try eventually("the clients' calls in flight end", timeout: .seconds(60)) {
            try run("/usr/bin/pgrep", ["-f", "\(fixture.path)/churn-"]).stdout.trimmed.isEmpty
        }
        // Everything goes; then nothing may be left without an owner.
        let removed = try cri.attempt("rmp", "-f", "-a")
        #expect(removed.status == 0, "\(removed)")
        #expect(try cri.json("pods", "-o", "json")["items"]?.items.isEmpty ?? true)
        #expect(try cri.json("ps", "-a", "-o", "json")["containers"]?.items.isEmpty ?? true)
        #expect(try daemon.stop() == 0)
        #expect(checked.pods > 0 && checked.containers > 0, "the crashes met work in flight: \(checked)")

        let leftRunc = try run("/usr/sbin/runc", ["--root", runcRoot, "list", "-q"]).stdout.trimmed
        #expect(leftRunc.isEmpty, "runc containers left: \(leftRunc)")
        let shims = try run("/usr/bin/pgrep", ["-f", "ctr shim .*--bundle \(fixture.path)/"]).stdout.trimmed
        #expect(shims.isEmpty, "shims left: \(shims)")
        let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8).split(separator: "\n")
            .filter { $0.contains(fixture.path + "/") }
        #expect(mounts.isEmpty, "mounts left: \(mounts)")
        let netns = (try? FileManager.default.contentsOfDirectory(atPath: fixture.path + "/state/netns")) ?? []
        #expect(netns.isEmpty, "network namespaces left: \(netns)")
        #expect(fixture.network.leases.isEmpty, "IP addresses left allocated: \(fixture.network.leases)")
        #expect(fixture.network.ports.isEmpty, "veth interfaces left on the bridge: \(fixture.network.ports)")
        for controller in ["memory", "cpu", "pids"] {
            let parent = "/sys/fs/cgroup/\(controller)/k8s.io"
            let left = ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { seen.contains($0) }
            #expect(left.isEmpty, "\(controller) cgroups left: \(left)")
        }
    }
}
