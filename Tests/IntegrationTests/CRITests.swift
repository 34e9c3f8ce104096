import Core
import Foundation
import Testing
import TestSupport

/// A CNI bridge network of its own for one test: bridge, subnet and IPAM directory. The host
/// gets the gateway address on the bridge (so it can ping pods) without the plugin touching host
/// sysctls (`isGateway` stays off).
struct TestNetwork {
    let octet: Int
    let directory: String
    var bridge: String { "ctrt\(octet)" }
    var name: String { "ctr-test-\(octet)" }
    var confDir: String { directory + "/net.d" }
    var ipamDir: String { directory + "/ipam" }
    var gateway: String { "10.234.\(octet).1" }

    init(in directory: String) throws {
        self.directory = directory
        octet = Int.random(in: 10...250)
        try FileManager.default.createDirectory(atPath: confDir, withIntermediateDirectories: true)
        let conf = """
            {"cniVersion": "1.0.0", "name": "\(name)", "plugins": [
              {"type": "bridge", "bridge": "\(bridge)", "isGateway": false, "ipMasq": false,
               "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.234.\(octet).0/24", "gateway": "\(gateway)"}]],
                        "dataDir": "\(ipamDir)"}},
              {"type": "portmap", "capabilities": {"portMappings": true}}]}
            """
        try conf.write(toFile: confDir + "/10-test.conflist", atomically: false, encoding: .utf8)
    }

    /// Gives the host the gateway address on the bridge (once the first pod created it).
    func attachHost() throws {
        let shown = try run("/usr/sbin/ip", ["addr", "show", "dev", bridge])
        if !shown.stdout.contains(gateway + "/") {
            let added = try run("/usr/sbin/ip", ["addr", "add", gateway + "/24", "dev", bridge])
            guard added.status == 0 else { throw TestFailure("ip addr add: \(added)") }
        }
    }

    /// Addresses host-local still holds.
    var leases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: ipamDir + "/" + name)) ?? [])
            .filter { $0 != "lock" && !$0.hasPrefix("last_reserved_ip") }
    }

    /// veth interfaces still enslaved to the bridge.
    var ports: String { (try? run("/usr/sbin/ip", ["-o", "link", "show", "master", bridge]).stdout) ?? "" }

    /// Removes the bridge and any host-port DNAT rules portmap left for this network (a test
    /// that failed before `stopp`).
    func remove() {
        _ = try? run("/usr/sbin/ip", ["link", "del", bridge])
        guard let listed = try? run("/usr/sbin/iptables", ["-t", "nat", "-L", "CNI-HOSTPORT-DNAT", "--line-numbers", "-n"]),
              listed.status == 0 else { return }
        let rules = listed.stdout.split(separator: "\n").filter { $0.contains("\"\(name)\"") }
            .map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            .filter { $0.count > 1 && Int($0[0]) != nil }
        for rule in rules.sorted(by: { Int($0[0]) ?? 0 > Int($1[0]) ?? 0 }) {
            _ = try? run("/usr/sbin/iptables", ["-t", "nat", "-D", "CNI-HOSTPORT-DNAT", rule[0]])
            _ = try? run("/usr/sbin/iptables", ["-t", "nat", "-F", rule[1]])
            _ = try? run("/usr/sbin/iptables", ["-t", "nat", "-X", rule[1]])
        }
    }
}

/// The images the CRI tests need: busybox and a pause image (busybox sleeping) in a local registry.
struct CRIImages {
    let registry: LocalRegistry
    var busybox: String { registry.host + "/busybox:1" }
    var pause: String { registry.host + "/pause:1" }

    init() throws {
        registry = try LocalRegistry()
        try registry.pushBusybox("busybox", tag: "1")
        try registry.pushBusybox("pause", tag: "1", command: "/bin/sleep 2147483647")
    }

    /// The CRI section of a daemon config (ours or containerd's) for these images and `network`.
    func criConfig(_ network: TestNetwork, hostsDir: String) -> String {
        """
        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "\(pause)"
          restrict_oom_score_adj = true
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "/usr/lib/cni"
            conf_dir = "\(network.confDir)"
          [plugins."io.containerd.grpc.v1.cri".registry]
            config_path = "\(hostsDir)"
        """
    }

    /// A hosts directory sending pulls of the registry over plain HTTP (containerd needs it).
    func hostsDirectory(in directory: String) throws -> String {
        let hosts = directory + "/hosts"
        try FileManager.default.createDirectory(atPath: hosts + "/" + registry.host, withIntermediateDirectories: true)
        try """
            server = "http://\(registry.host)"
            [host."http://\(registry.host)"]
              capabilities = ["pull", "resolve"]
            """.write(toFile: hosts + "/" + registry.host + "/hosts.toml", atomically: false, encoding: .utf8)
        return hosts
    }
}

/// What every CRI test needs: a directory, the images in a registry, a bridge network; cleaned
/// up (shims, mounts, bridge, files) when released.
final class CRIFixture {
    let directory: TemporaryDirectory
    let images: CRIImages
    let network: TestNetwork
    let hostsDir: String
    var path: String { directory.path }

    init() throws {
        directory = try TemporaryDirectory("ctr-cri")
        images = try CRIImages()
        network = try TestNetwork(in: directory.path)
        hostsDir = try images.hostsDirectory(in: directory.path)
    }

    /// The CRI section for these images and network, for our daemon or containerd.
    var criSection: String { images.criConfig(network, hostsDir: hostsDir) }

    /// A whole config for our daemon; `criKeys` go into the CRI table, `extra` after it.
    func ourConfig(criKeys: String = "", extra: String = "") -> String {
        "version = 2\n" + criSection.replacingOccurrences(
            of: "restrict_oom_score_adj = true", with: "restrict_oom_score_adj = true\n" + criKeys) + extra
    }

    deinit {
        cleanUpRuntime(directory.path)
        network.remove()
        directory.remove()
    }
}

extension CRIFixture {
    /// Runs `body` against our daemon, then against containerd, each on a root of its own in
    /// `fixture`, cleaning up what a failed body left; `criKeys` go into both CRI tables.
    func onBoth<Result>(criKeys: String = "", _ body: (CRICLI, _ label: String) throws -> Result) throws
        -> (ours: Result, containerd: Result)
    {
        for daemon in ["ours", "containerd"] {
            try FileManager.default.createDirectory(atPath: path + "/" + daemon, withIntermediateDirectories: true)
        }
        defer { cleanUpRuntime(path + "/ours") }  // a failed case's containers
        let ours = try DaemonProcess.ours(in: path + "/ours", config: ourConfig(criKeys: criKeys))
        let oursCRI = CRICLI(socket: ours.socket)
        defer { _ = try? oursCRI.attempt("rmp", "-f", "-a") }
        let oursResult = try body(oursCRI, "ours")
        _ = try ours.stop()

        let containerd = try DaemonProcess.containerd(
            in: path + "/containerd",
            cri: criSection.replacingOccurrences(of: "restrict_oom_score_adj = true",
                                                 with: "restrict_oom_score_adj = true\n" + criKeys))
        defer { _ = try? run("/usr/bin/pkill", ["-9", "-f", "containerd-shim-runc-v2 .*-address \(containerd.socket)"]) }
        let theirsCRI = CRICLI(socket: containerd.socket)
        defer { _ = try? theirsCRI.attempt("rmp", "-f", "-a") }
        let theirsResult = try body(theirsCRI, "containerd")
        _ = try containerd.stop()
        return (oursResult, theirsResult)
    }
}

/// `ctr cri` against one CRI endpoint.
struct CRICLI {
    let socket: String

    @discardableResult
    func callAsFunction(_ arguments: String...) throws -> String {
        try ctr(["cri"] + arguments, environment: ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + socket])
    }

    func attempt(_ arguments: String...) throws -> Output {
        try run(ctrBinary, ["cri"] + arguments, environment: ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + socket])
    }

    func json(_ arguments: String...) throws -> JSONValue {
        let text = try ctr(["cri"] + arguments, environment: ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + socket])
        return try JSONValue.parse(text)
    }
}

/// The memory, pids and cpu cgroup directories of a running process (cgroup v1, as on this
/// machine), each checked to exist: the place a container's cgroups must be gone from afterwards.
func cgroupDirectories(of pid: Int64) throws -> [String] {
    let lines = try String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8).split(separator: "\n")
    let directories = lines.compactMap { line -> String? in
        let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3, ["memory", "pids", "cpu"].contains(fields[1]), fields[2] != "/" else { return nil }
        return "/sys/fs/cgroup/\(fields[1])\(fields[2])"
    }
    guard directories.count == 3, directories.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) else {
        throw TestFailure("process \(pid) has no memory, pids and cpu cgroups of its own: \(lines)")
    }
    return directories
}

/// The inode number of `path` (for namespaces: which namespace it is), nil if it cannot be stat'ed.
func inode(_ path: String) -> UInt? {
    var info = stat()
    return stat(path, &info) == 0 ? UInt(info.st_ino) : nil
}

/// An integer in protobuf's JSON form: 64-bit fields are strings, narrower ones numbers.
func protoInteger(_ value: JSONValue?) -> Int64? {
    switch value {
    case .integer(let number)?: return number
    case .string(let text)?: return Int64(text)
    default: return nil
    }
}

func writeJSON(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: false, encoding: .utf8)
}

/// `hostPorts` maps host ports to container ports (TCP).
func podConfig(name: String, logDirectory: String, hostname: String = "", hostPorts: [Int: Int] = [:]) -> String {
    let mappings = hostPorts.map { #"{"protocol": "TCP", "container_port": \#($0.value), "host_port": \#($0.key)}"# }
    return """
    {"metadata": {"name": "\(name)", "namespace": "default", "uid": "uid-\(name)", "attempt": 1},
     "hostname": "\(hostname.isEmpty ? name : hostname)", "log_directory": "\(logDirectory)",
     "port_mappings": [\(mappings.joined(separator: ", "))],
     "dns_config": {"servers": ["10.0.0.10"], "searches": ["svc.cluster.local"], "options": ["ndots:5"]},
     "labels": {"app": "\(name)"}, "linux": {}}
    """
}

func containerConfig(name: String, image: String, command: [String], logPath: String = "") -> String {
    let args = command.map { "\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" }.joined(separator: ", ")
    return """
        {"metadata": {"name": "\(name)"}, "image": {"image": "\(image)"}, "command": [\(args)],
         "log_path": "\(logPath.isEmpty ? name + ".log" : logPath)", "labels": {"tier": "test"}, "linux": {}}
        """
}

@Suite("CRI end to end", .serialized, .enabled(if: haveRegistryTools && haveRunc && getuid() == 0))
struct CRITests {
    /// The acceptance scenario, run against `socket`: pull, a bridged pod that the host can ping
    /// and reach through a host port (the portmap plugin), a container whose exec, logs and stats
    /// work, then stop and removal leaving nothing behind (nor DNAT rules).
    func scenario(_ cri: CRICLI, images: CRIImages, network: TestNetwork, directory: String) throws {
        let netnsBefore = Set((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? [])
        try cri("pull", images.busybox)
        #expect(try cri("images").contains(images.registry.host + "/busybox"))

        let podPath = directory + "/pod.json"
        let hostPort = Int.random(in: 20000...39999)
        try writeJSON(podConfig(name: "web", logDirectory: directory + "/logs", hostname: "scenario",
                                hostPorts: [hostPort: 80]), to: podPath)
        let pod = try cri("runp", "--timeout", "60s", podPath).trimmingCharacters(in: .whitespacesAndNewlines)
        let podStatus = try cri.json("inspectp", "-o", "json", pod)
        #expect(podStatus["status"]?["state"]?.stringValue == "SANDBOX_READY")
        let ip = try #require(podStatus["status"]?["network"]?["ip"]?.stringValue)
        #expect(ip.hasPrefix("10.234.\(network.octet)."))
        // What the pod holds while it runs, so that the checks after removal see it gone, not absent
        // from the start: its network namespace, IP lease, veth and cgroups.
        // (/var/run/netns is /run/netns in /proc/self/mounts)
        // (ours names it in info.netNamespacePath, containerd 1.6 in the pause container's runtime spec)
        var namespaces: [JSONValue] = []
        if case .array(let listed)? = podStatus["info"]?["runtimeSpec"]?["linux"]?["namespaces"] { namespaces = listed }
        let specNetns = namespaces.first { $0["type"]?.stringValue == "network" }?["path"]?.stringValue
        let netns = URL(fileURLWithPath: try #require(podStatus["info"]?["netNamespacePath"]?.stringValue ?? specNetns,
                                                      "the pod's network namespace path: \(podStatus)"))
            .resolvingSymlinksInPath().path
        let podPID = try #require(protoInteger(podStatus["info"]?["pid"]))
        #expect(inode(netns) != nil && inode(netns) == inode("/proc/\(podPID)/ns/net"),
                "\(netns) pins the pause process's network namespace")
        #expect(network.leases.count == 1, "\(network.leases)")
        #expect(!network.ports.isEmpty, "the pod's veth is on \(network.bridge)")
        let podCgroups = try cgroupDirectories(of: podPID)
        try network.attachHost()
        let ping = try run("/bin/busybox", ["ping", "-c", "1", "-W", "3", ip])
        #expect(ping.status == 0, "ping \(ip): \(ping)")

        let containerPath = directory + "/box.json"
        try writeJSON(containerConfig(name: "box", image: images.busybox, command: [
            "/bin/sh", "-c", "echo line 1; echo line 2; echo warning >&2; echo line 3; "
                + "mkdir /www; echo pong > /www/index.html; /bin/busybox httpd -p 80 -h /www; sleep 1000",
        ]), to: containerPath)
        let id = try cri("create", pod, containerPath, podPath).trimmingCharacters(in: .whitespacesAndNewlines)
        try cri("start", id)
        let containerCgroups = try cgroupDirectories(
            of: try #require(protoInteger(try cri.json("inspect", "-o", "json", id)["info"]?["pid"])))
        // The host port leads to the pod's port 80 (portmap's DNAT also covers local traffic).
        let url = "http://\(network.gateway):\(hostPort)/index.html"
        try eventually("\(url) served by the pod") {
            (try run("/usr/bin/curl", ["-s", "-m", "2", url])).stdout == "pong\n"
        }
        #expect(try cri("exec", "-s", id, "hostname").trimmingCharacters(in: .whitespacesAndNewlines) == "scenario")
        let resolv = try cri("exec", "-s", id, "cat", "/etc/resolv.conf")
        #expect(resolv.contains("nameserver 10.0.0.10"))
        #expect(resolv.contains("search svc.cluster.local"))
        try eventually("the container's log") {
            (try cri.attempt("logs", id)).stdout.contains("line 3")
        }
        let logs = try cri.attempt("logs", id)
        #expect(logs.stdout == "line 1\nline 2\nline 3\n")
        #expect(logs.stderr.contains("warning"))
        // The running container's stats carry real CPU and memory figures.
        try eventually("CPU and memory stats of \(id)") {
            guard case .array(let entries)? = try cri.json("stats", "-o", "json")["stats"] else { return false }
            let entry = entries.first { $0["attributes"]?["id"]?.stringValue == id }
            let cpu = protoInteger(entry?["cpu"]?["usageCoreNanoSeconds"]?["value"]) ?? 0
            let memory = protoInteger(entry?["memory"]?["workingSetBytes"]?["value"]) ?? 0
            return cpu > 0 && memory > 0
        }

        try cri("stop", "--stop-timeout", "1", id)
        let stopped = try cri.json("inspect", "-o", "json", id)
        #expect(stopped["status"]?["state"]?.stringValue == "CONTAINER_EXITED")
        try cri("rm", id)
        try cri("stopp", pod)
        try cri("rmp", pod)
        #expect(try cri("pods", "-q").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)

        // Nothing left: mounts, network namespaces, veths, IP leases, cgroups.
        let mounts = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        #expect(!mounts.contains(directory + "/"), "mounts left under \(directory)")
        #expect(!mounts.contains(pod), "a mount of the pod is left")
        let netnsAfter = Set((try? FileManager.default.contentsOfDirectory(atPath: "/run/netns")) ?? [])
        #expect(netnsAfter.subtracting(netnsBefore).isEmpty, "network namespaces left: \(netnsAfter.subtracting(netnsBefore))")
        #expect(network.ports.isEmpty, "veths left on \(network.bridge): \(network.ports)")
        #expect(network.leases.isEmpty, "IP leases left: \(network.leases)")
        let nat = try run("/usr/sbin/iptables", ["-t", "nat", "-S"])
        #expect(nat.status == 0 && !nat.stdout.contains("--dport \(hostPort) "), "DNAT rules left: \(nat.stdout)")
        #expect(!FileManager.default.fileExists(atPath: netns), "the pod's network namespace \(netns) is left")
        for cgroup in podCgroups + containerCgroups {
            #expect(!FileManager.default.fileExists(atPath: cgroup), "cgroup \(cgroup) is left")
        }
    }

    @Test("the scenario on our daemon")
    func scenarioOnOurs() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
        let daemon = try DaemonProcess.ours(in: fixture.path, config: fixture.ourConfig())
        defer { _ = try? CRICLI(socket: daemon.socket).attempt("rmp", "-f", "-a") }  // a failed scenario's pod
        try scenario(CRICLI(socket: daemon.socket), images: fixture.images, network: fixture.network, directory: fixture.path)
        // The pod's state directory holds no netns pin, CNI cache or sandbox files afterwards.
        let state = fixture.path + "/state/io.containerd.grpc.v1.cri"
        for sub in ["netns", "cni", "sandboxes"] {
            let path = state + "/" + sub
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                let left = try FileManager.default.contentsOfDirectory(atPath: path)
                #expect(isDirectory.boolValue && left.isEmpty, "\(path) still holds \(left)")
            }
        }
        try daemon.stop()
    }

    @Test("the scenario on Debian's containerd 1.6", .usesContainerd)
    func scenarioOnContainerd() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
        let daemon = try DaemonProcess.containerd(in: fixture.path, cri: fixture.criSection)
        defer { _ = try? run("/usr/bin/pkill", ["-9", "-f", "containerd-shim-runc-v2 .*-address \(daemon.socket)"]) }
        // A failed scenario's pod: containerd keeps its netns under /run/netns and its DNAT rules.
        defer { _ = try? CRICLI(socket: daemon.socket).attempt("rmp", "-f", "-a") }
        try scenario(CRICLI(socket: daemon.socket), images: fixture.images, network: fixture.network, directory: fixture.path)
        try daemon.stop()
    }

    @Test("pods and containers keep their state across a daemon SIGKILL; stopping the pod afterwards releases its IP")
    func restart() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
        let (directory, images, network) = (fixture.directory, fixture.images, fixture.network)
        let config = fixture.ourConfig()
        var daemon = try DaemonProcess.ours(in: directory.path, config: config)
        let cri = CRICLI(socket: daemon.socket)
        let podPath = directory.path + "/pod.json"
        try writeJSON(podConfig(name: "survivor", logDirectory: directory.path + "/logs"), to: podPath)
        let pod = try cri("runp", "--timeout", "60s", podPath).trimmingCharacters(in: .whitespacesAndNewlines)
        let ip = try #require(try cri.json("inspectp", "-o", "json", pod)["status"]?["network"]?["ip"]?.stringValue)
        func start(_ name: String, _ command: [String]) throws -> String {
            let path = directory.path + "/\(name).json"
            try writeJSON(containerConfig(name: name, image: images.busybox, command: command), to: path)
            let id = try cri("create", "--with-pull", pod, path, podPath).trimmingCharacters(in: .whitespacesAndNewlines)
            try cri("start", id)
            return id
        }
        let sleeper = try start("sleeper", ["/bin/sleep", "1000"])
        let quitter = try start("quitter", ["/bin/sh", "-c", "exit 3"])
        let late = try start("late", ["/bin/sh", "-c", "sleep 5; exit 4"])
        try eventually("the quitter's exit") {
            try cri.json("inspect", "-o", "json", quitter)["status"]?["state"]?.stringValue == "CONTAINER_EXITED"
        }
        let pid = try #require(try cri.json("inspect", "-o", "json", sleeper)["info"]?["pid"])
        let lateStatus = try cri.json("inspect", "-o", "json", late)
        #expect(lateStatus["status"]?["state"]?.stringValue == "CONTAINER_RUNNING", "late must still run at the crash")
        let latePID = try #require(protoInteger(lateStatus["info"]?["pid"]))

        try daemon.crash()
        try eventually("the late container exits while the daemon is down") {
            kill(pid_t(latePID), 0) != 0 && errno == ESRCH
        }
        daemon = try DaemonProcess.ours(in: directory.path, config: config)
        let podStatus = try cri.json("inspectp", "-o", "json", pod)
        #expect(podStatus["status"]?["state"]?.stringValue == "SANDBOX_READY")
        #expect(podStatus["status"]?["network"]?["ip"]?.stringValue == ip)
        let sleeping = try cri.json("inspect", "-o", "json", sleeper)
        #expect(sleeping["status"]?["state"]?.stringValue == "CONTAINER_RUNNING")
        #expect(sleeping["info"]?["pid"] == pid)
        #expect(try cri("exec", "-s", sleeper, "echo", "still here").contains("still here"))
        let quit = try cri.json("inspect", "-o", "json", quitter)["status"]
        #expect(quit?["state"]?.stringValue == "CONTAINER_EXITED")
        #expect(quit?["exitCode"] == .integer(3))
        try eventually("the late container's exit") {
            let status = try cri.json("inspect", "-o", "json", late)["status"]
            return status?["state"]?.stringValue == "CONTAINER_EXITED" && status?["exitCode"] == .integer(4)
        }

        #expect(network.leases.count == 1)
        try cri("stopp", pod)
        #expect(network.leases.isEmpty, "stopping the pod after the restart must release its IP: \(network.leases)")
        #expect(try cri.json("inspect", "-o", "json", sleeper)["status"]?["state"]?.stringValue == "CONTAINER_EXITED")
        try cri("rmp", pod)
        try daemon.stop()
    }

    @Test("hostile or wrong configs are refused with the cause and leave nothing behind")
    func hostileConfigs() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
        let (directory, images) = (fixture.directory, fixture.images)
        let daemon = try DaemonProcess.ours(in: directory.path, config: fixture.ourConfig())
        let cri = CRICLI(socket: daemon.socket)

        let relative = directory.path + "/relative.json"
        try writeJSON(podConfig(name: "rel", logDirectory: "var/log/pods"), to: relative)
        let refusedRelative = try cri.attempt("runp", relative)
        #expect(refusedRelative.status != 0)
        #expect(refusedRelative.stderr.contains("log directory"), "\(refusedRelative)")
        let dotted = directory.path + "/dotted.json"
        try writeJSON(podConfig(name: "dots", logDirectory: directory.path + "/logs/../../etc"), to: dotted)
        let refusedDotted = try cri.attempt("runp", dotted)
        #expect(refusedDotted.status != 0)
        #expect(refusedDotted.stderr.contains("log directory \"\(directory.path)/logs/../../etc\" must be an absolute path without \"..\""),
                "\(refusedDotted)")
        let podPath = directory.path + "/pod.json"
        try writeJSON(podConfig(name: "good", logDirectory: directory.path + "/logs"), to: podPath)
        let unknown = try cri.attempt("runp", "--runtime", "kata-nope", podPath)
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("kata-nope"), "\(unknown)")
        #expect(try cri("pods", "-q").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)

        let pod = try cri("runp", "--timeout", "60s", podPath).trimmingCharacters(in: .whitespacesAndNewlines)
        try cri("pull", images.busybox)
        for (name, logPath) in [("absolute", "/etc/evil.log"), ("escape", "../../evil.log")] {
            let path = directory.path + "/\(name).json"
            try writeJSON(containerConfig(name: name, image: images.busybox, command: ["/bin/true"], logPath: logPath), to: path)
            let refused = try cri.attempt("create", pod, path, podPath)
            #expect(refused.status != 0)
            #expect(refused.stderr.contains("log path"), "\(refused)")
        }
        let ghost = directory.path + "/ghost.json"
        try writeJSON("""
            {"metadata": {"name": "ghost"}, "image": {"image": "\(images.busybox)"}, "command": ["/bin/true"],
             "linux": {"security_context": {"run_as_username": "ghost"}}}
            """, to: ghost)
        let noUser = try cri.attempt("create", pod, ghost, podPath)
        #expect(noUser.status != 0)
        #expect(noUser.stderr.contains("ghost") && noUser.stderr.contains("passwd"), "\(noUser)")
        let missing = directory.path + "/missing.json"
        try writeJSON(containerConfig(name: "missing", image: images.registry.host + "/nope:1", command: ["/bin/true"]),
                      to: missing)
        let notFound = try cri.attempt("create", "--no-pull", pod, missing, podPath)
        #expect(notFound.status != 0)
        #expect(notFound.stderr.contains("nope:1"), "\(notFound)")
        #expect(try cri("ps", "-a", "-q").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/etc/evil.log"))
        let state = directory.path + "/state/io.containerd.grpc.v1.cri"
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: state + "/netns")) ?? []) == [pod])
        // Only the pod's own snapshot exists besides the image layers.
        let snapshots = try ctr(["--address", daemon.socket, "-n", "k8s.io", "snapshots", "ls"])
        #expect(snapshots.split(separator: "\n").filter { $0.contains("ACTIVE") || $0.contains("Active") }.count == 1,
                "\(snapshots)")
        try cri("rmp", "-f", pod)
        try daemon.stop()
    }

    @Test("with the CRI plugin disabled, ctr cri explains and the containerd services still work")
    func disabledPlugin() throws {
        let directory = try TemporaryDirectory("ctr-cri")
        defer { directory.remove() }
        let daemon = try DaemonProcess.ours(in: directory.path, config: """
            version = 2
            disabled_plugins = ["io.containerd.grpc.v1.cri"]
            """)
        let refused = try CRICLI(socket: daemon.socket).attempt("version")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("CRI"), "\(refused)")
        #expect(try ctr(["--address", daemon.socket, "version"]).contains("Server:"))
        #expect(try ctr(["--address", daemon.socket, "plugins", "ls"]).contains("io.containerd.content.v1"))
        try daemon.stop()
    }

    @Test("runtime handler binaries, container events stream, long log lines split and reassembled, resource updates, exec timeout")
    func kubeletDetails() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
        let (directory, images) = (fixture.directory, fixture.images)
        let wrapper = directory.path + "/runc-wrapper"
        try "#!/bin/sh\necho \"$@\" >> \(directory.path)/wrapper.log\nexec /usr/sbin/runc \"$@\"\n"
            .write(toFile: wrapper, atomically: false, encoding: .utf8)
        chmod(wrapper, 0o755)
        let handlers = """

              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.logged]
                runtime_type = "io.containerd.runc.v2"
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.logged.options]
                  BinaryName = "\(wrapper)"
            """
        let daemon = try DaemonProcess.ours(
            in: directory.path, config: fixture.ourConfig(criKeys: "  max_container_log_line_size = 64", extra: handlers))
        let cri = CRICLI(socket: daemon.socket)

        // Parallel pulls of one image (kubelets pull in parallel) all succeed, into one image.
        let pulls = try (0..<3).map { _ in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ctrBinary)
            process.arguments = ["cri", "pull", images.busybox]
            process.environment = ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + daemon.socket]
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            return process
        }
        pulls.forEach { $0.waitUntilExit() }
        #expect(pulls.map(\.terminationStatus) == [0, 0, 0], "parallel pulls of \(images.busybox)")
        let listed = try cri("images").split(separator: "\n").filter { $0.contains(images.registry.host + "/busybox") }
        #expect(listed.count == 1, "one image after parallel pulls: \(listed)")

        // A runtime handler's BinaryName runs the pod's containers.
        let loggedPod = directory.path + "/logged.json"
        try writeJSON(podConfig(name: "logged", logDirectory: directory.path + "/logs-logged"), to: loggedPod)
        let logged = try cri("runp", "--timeout", "60s", "--runtime", "logged", loggedPod)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try cri.json("inspectp", "-o", "json", logged)["status"]?["runtimeHandler"]?.stringValue == "logged")
        let wrapped = (try? String(contentsOfFile: directory.path + "/wrapper.log", encoding: .utf8)) ?? ""
        // The pause container is created and started by one `runc run --detach`.
        #expect(wrapped.contains("run --detach") && wrapped.contains(logged), "\(wrapped)")
        try cri("stopp", logged)
        try cri("rmp", logged)

        // A host-network pod: no netns of its own, the host's hostname and interfaces.
        let hostPod = directory.path + "/host.json"
        try writeJSON("""
            {"metadata": {"name": "hostnet", "namespace": "default", "uid": "uid-hostnet"},
             "log_directory": "\(directory.path)/logs-host",
             "linux": {"security_context": {"namespace_options": {"network": 2}}}}
            """, to: hostPod)
        let host = try cri("runp", "--timeout", "60s", hostPod).trimmingCharacters(in: .whitespacesAndNewlines)
        let hostBox = directory.path + "/hostbox.json"
        try writeJSON(containerConfig(name: "hostbox", image: images.busybox, command: ["/bin/sleep", "1000"]), to: hostBox)
        let hostContainer = try cri("create", "--with-pull", host, hostBox, hostPod)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try cri("start", hostContainer)
        let hostname = try String(contentsOfFile: "/proc/sys/kernel/hostname", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try cri("exec", "-s", hostContainer, "hostname").trimmingCharacters(in: .whitespacesAndNewlines) == hostname)
        #expect(try cri("exec", "-s", hostContainer, "cat", "/proc/net/dev").contains(fixture.network.bridge))
        #expect(try cri.json("inspectp", "-o", "json", host)["info"]?["netNamespacePath"]?.stringValue == "")
        try cri("stopp", host)
        try cri("rmp", host)

        let watch = try CRIEventWatch(socket: daemon.socket, path: directory.path + "/events.json")

        let podPath = directory.path + "/pod.json"
        try writeJSON(podConfig(name: "details", logDirectory: directory.path + "/logs"), to: podPath)
        let pod = try cri("runp", "--timeout", "60s", podPath).trimmingCharacters(in: .whitespacesAndNewlines)
        try watch.waitUntilLive(cri, pod: pod, podPath: podPath, image: images.busybox, directory: directory.path)
        let baseline = watch.text.utf8.count
        func newEvents() -> String { String(decoding: Array(watch.text.utf8).dropFirst(baseline), as: UTF8.self) }
        let long = String(repeating: "x", count: 150)
        let path = directory.path + "/long.json"
        try writeJSON(containerConfig(name: "long", image: images.busybox, command: [
            "/bin/sh", "-c", "echo \(long); echo short; sleep 1000",
        ]), to: path)
        let id = try cri("create", "--with-pull", pod, path, podPath).trimmingCharacters(in: .whitespacesAndNewlines)
        try cri("start", id)
        try eventually("the long line in the log") { (try cri.attempt("logs", id)).stdout.contains("short") }
        #expect(try cri.attempt("logs", id).stdout == long + "\nshort\n")
        let records = try String(contentsOfFile: directory.path + "/logs/long.log", encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: " ", maxSplits: 3) }
        #expect(records.map { String($0[2]) } == ["P", "P", "F", "F"], "\(records)")
        #expect(records.allSatisfy { $0.count == 4 && $0[1] == "stdout" && RFC3339.parse(String($0[0])) != nil })

        try cri("update", "--memory", "67108864", "--cpu-quota", "50000", "--cpu-period", "100000", id)
        let cgroup = "/sys/fs/cgroup/memory/k8s.io/\(id)/memory.limit_in_bytes"
        #expect((try String(contentsOfFile: cgroup, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines) == "67108864")
        let quota = "/sys/fs/cgroup/cpu/k8s.io/\(id)/cpu.cfs_quota_us"
        #expect((try String(contentsOfFile: quota, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines) == "50000")
        let inspected = try cri.json("inspect", "-o", "json", id)
        let linux = inspected["status"]?["resources"]?["linux"]
        #expect(protoInteger(linux?["memoryLimitInBytes"]) == 67108864, "\(inspected)")
        #expect(protoInteger(linux?["cpuQuota"]) == 50000 && protoInteger(linux?["cpuPeriod"]) == 100000, "\(inspected)")

        // run_as_username resolves in the image's /etc/passwd and /etc/group.
        let nobodyPath = directory.path + "/nobody.json"
        try writeJSON("""
            {"metadata": {"name": "nobody"}, "image": {"image": "\(images.busybox)"}, "command": ["/bin/sleep", "1000"],
             "log_path": "nobody.log", "linux": {"security_context": {"run_as_username": "nobody"}}}
            """, to: nobodyPath)
        let nobody = try cri("create", pod, nobodyPath, podPath).trimmingCharacters(in: .whitespacesAndNewlines)
        try cri("start", nobody)
        let identity = try cri("exec", "-s", nobody, "id")
        #expect(identity.contains("uid=65534(nobody)") && identity.contains("gid=65534(nogroup)")
                && identity.contains("50(staff)"), "\(identity)")
        // Containers of a pod share its /dev/shm (as they share its IPC namespace).
        try cri("exec", "-s", id, "sh", "-c", "echo shared > /dev/shm/probe")
        #expect(try cri("exec", "-s", nobody, "cat", "/dev/shm/probe") == "shared\n")
        try cri("stop", "--stop-timeout", "0", nobody)
        try cri("rm", nobody)

        let started = ContinuousClock.now
        let timedOut = try cri.attempt("exec", "-s", "--timeout", "1", id, "sleep", "30")
        #expect(timedOut.status != 0)
        #expect(timedOut.stderr.contains("timeout") || timedOut.stderr.contains("deadline"), "\(timedOut)")
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(try cri("exec", "-s", id, "echo", "alive").contains("alive"))

        try cri("stop", "--stop-timeout", "0", id)
        try cri("rm", id)
        try eventually("the deleted event") { newEvents().contains("CONTAINER_DELETED_EVENT") }
        // The container's four events, in order, each naming it.
        let seen = newEvents()
        let types = ["CONTAINER_CREATED_EVENT", "CONTAINER_STARTED_EVENT", "CONTAINER_STOPPED_EVENT", "CONTAINER_DELETED_EVENT"]
        let positions = types.map { seen.range(of: $0)?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil } && positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(),
                "events out of order or missing: \(seen)")
        #expect(seen.components(separatedBy: id).count - 1 >= 4, "each event names \(id): \(seen)")
        try cri("stopp", pod)
        try cri("rmp", pod)
        try daemon.stop()
    }
}

extension CRITests {
    @Test("ctr doctor names what is missing (daemon, CNI config, sandbox image) with the fix, then passes")
    func doctor() throws {
        let nowhere = try run(ctrBinary, ["--address", "/nonexistent/ctr.sock", "doctor"])
        #expect(nowhere.status == 1)
        #expect(nowhere.stdout.contains("FAIL  socket        cannot connect to /nonexistent/ctr.sock")
                && nowhere.stdout.contains("fix: start the daemon"), "\(nowhere.stdout)")

        let images = try CRIImages()
        let dir = try TemporaryDirectory("ctr-doctor")
        defer { dir.remove() }
        let hosts = try images.hostsDirectory(in: dir.path)
        let confDir = dir.path + "/net.d"
        try FileManager.default.createDirectory(atPath: confDir, withIntermediateDirectories: true)
        let config = """
            version = 2
            [plugins."io.containerd.grpc.v1.cri"]
              sandbox_image = "\(images.pause)"
              [plugins."io.containerd.grpc.v1.cri".cni]
                bin_dir = "/usr/lib/cni"
                conf_dir = "\(confDir)"
              [plugins."io.containerd.grpc.v1.cri".registry]
                config_path = "\(hosts)"
            """
        let daemon = try DaemonProcess.ours(in: dir.path, config: config)
        let first = try run(ctrBinary, ["--address", daemon.socket, "doctor"])
        #expect(first.status == 1)
        #expect(first.stdout.contains("ok    runc") && first.stdout.contains("ok    plugins"), "\(first.stdout)")
        #expect(first.stdout.contains("FAIL  cni           network not ready")
                && first.stdout.contains("fix: put a CNI .conflist into \(confDir)"), "\(first.stdout)")
        #expect(first.stdout.contains("warn  sandbox       \(images.pause) is not present"), "\(first.stdout)")

        try """
            {"cniVersion": "1.0.0", "name": "doctor", "plugins": [{"type": "bridge", "bridge": "ctrdoc0",
             "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.239.0.0/24"}]]}}]}
            """.write(toFile: confDir + "/10-doctor.conflist", atomically: false, encoding: .utf8)
        try ctr(["cri", "pull", images.pause], environment: ["CONTAINER_RUNTIME_ENDPOINT": "unix://" + daemon.socket])
        let second = try run(ctrBinary, ["--address", daemon.socket, "doctor"])
        #expect(second.status == 0 && second.stdout.hasSuffix("all checks passed\n"), "\(second.stdout)")
        try daemon.stop()
    }
}
