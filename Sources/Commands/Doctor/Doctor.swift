import API
import ArgumentParser
import Client
import CRIClient
import Core
import Glibc

/// `ctr doctor`: what a node needs to run containers and pods, checked one by one, each problem
/// with what to do about it. Works against `ctr daemon` and containerd alike. Exits 1 when a
/// check fails (warnings do not).
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the daemon and this node (socket, plugins, runc, cgroups, CNI, sandbox image) and say what to fix.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    func run() async throws {
        var report = DoctorReport()
        report.add(Doctor.runc())
        report.add(Doctor.cgroups())
        let socket = try Endpoint(global.resolvedAddress).path
        if let code = UnixSocket.probe(socket) {
            let fix = code == EACCES
                ? "run as root, or give your group the socket with [grpc] gid in the daemon's config"
                : "start the daemon (`ctr daemon`, or scripts/run-daemon.sh), or point --address at it"
            report.add(.fail("socket", "cannot connect to \(socket): \(Errno(code))", fix: fix))
        } else {
            report.add(.ok("socket", "\(socket) accepts connections"))
            for check in await Doctor.daemon(global) { report.add(check) }
        }
        printOut(String(report.text.dropLast()))
        if report.failed { throw ExitCode(1) }
    }
}

/// One check's outcome.
struct DoctorCheck: Sendable {
    enum Level: String, Sendable { case ok = "ok", warn = "warn", fail = "FAIL" }
    var level: Level
    var subject: String
    var detail: String
    var fix: String?

    static func ok(_ subject: String, _ detail: String) -> Self { .init(level: .ok, subject: subject, detail: detail) }
    static func warn(_ subject: String, _ detail: String, fix: String) -> Self {
        .init(level: .warn, subject: subject, detail: detail, fix: fix)
    }
    static func fail(_ subject: String, _ detail: String, fix: String) -> Self {
        .init(level: .fail, subject: subject, detail: detail, fix: fix)
    }
}

struct DoctorReport {
    private(set) var checks: [DoctorCheck] = []
    mutating func add(_ check: DoctorCheck) { checks.append(check) }
    var failed: Bool { checks.contains { $0.level == .fail } }

    /// `ok    socket        /run/ctr/ctr.sock accepts connections`, with `fix:` lines under problems.
    var text: String {
        var out = ""
        for check in checks {
            out += check.level.rawValue.padded(6) + check.subject.padded(14) + check.detail + "\n"
            if let fix = check.fix { out += String(repeating: " ", count: 20) + "fix: " + fix + "\n" }
        }
        let failures = checks.filter { $0.level == .fail }.count
        let warnings = checks.filter { $0.level == .warn }.count
        out += failures == 0 && warnings == 0 ? "all checks passed\n" : "\(failures) failed, \(warnings) warnings\n"
        return out
    }
}

enum Doctor {
    /// The CNI plugins a bridge network with host ports needs.
    static let cniPlugins = ["bridge", "host-local", "loopback", "portmap"]

    static func runc() -> DoctorCheck {
        guard let result = try? Subprocess.run(["runc", "--version"]), result.status == 0 else {
            return .fail("runc", "runc is not in PATH (or does not run)", fix: "install it: apt-get install runc")
        }
        let first = result.output.split(separator: "\n").first.map(String.init) ?? "runc"
        return .ok("runc", first)
    }

    /// The cgroup v2 controllers pods need. They must be offered at the root the daemon sees
    /// (`cgroup.controllers`: in a delegated subtree, what the parent enabled for it); enabling
    /// them below is runc's (cgroupfs driver) or systemd's (systemd driver) job, on demand.
    static let unifiedControllers = ["cpu", "memory", "pids", "io", "cpuset"]

    static func cgroups(_ hierarchy: CgroupHierarchy = .host) -> DoctorCheck {
        guard access(hierarchy.root, F_OK) == 0 else {
            return .fail("cgroups", "\(hierarchy.root) does not exist", fix: "mount cgroups (systemd does at boot)")
        }
        if hierarchy.layout == .unified {
            let words = { (file: String) in
                Set((readTextFile(hierarchy.root + "/" + file) ?? "").split(whereSeparator: \.isWhitespace).map(String.init))
            }
            let available = words("cgroup.controllers")
            let absent = unifiedControllers.filter { !available.contains($0) }
            if !absent.isEmpty {
                return .fail("cgroups", "v2 (unified): no \(absent.joined(separator: ", ")) controller in "
                                 + "\(hierarchy.root)/cgroup.controllers",
                             fix: "on a host: boot without cgroup_disable=...; in a container or a delegated subtree: "
                                 + "have the parent enable them (echo '\(absent.map { "+" + $0 }.joined(separator: " "))' "
                                 + "> PARENT/cgroup.subtree_control, or Delegate=yes in its unit)")
            }
            return .ok("cgroups", "v2 (unified), \(unifiedControllers.joined(separator: ", ")) available")
        }
        let enabled = (readTextFile("/proc/cgroups") ?? "").split(separator: "\n").compactMap { line -> String? in
            let fields = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            return fields.count >= 4 && fields[3] == "1" ? String(fields[0]) : nil
        }
        let missing = ["cpu", "memory", "pids"].filter { !enabled.contains($0) }
        if !missing.isEmpty {
            return .fail("cgroups", "v1 controllers not enabled: \(missing.joined(separator: ", "))",
                         fix: "enable them on the kernel command line (e.g. cgroup_enable=memory) and reboot")
        }
        let hybrid = access("/sys/fs/cgroup/unified", F_OK) == 0
        return .ok("cgroups", hybrid ? "v1 (hybrid), cpu, memory and pids enabled" : "v1, cpu, memory and pids enabled")
    }

    /// The checks that need the daemon: version, plugins, then the CRI's network and sandbox image.
    static func daemon(_ global: GlobalOptions) async -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        var criLoaded = false
        do {
            try await global.withClient { client in
                let version = try await client.version()
                checks.append(.ok("daemon", "\(version.version) \(version.revision)"))
                let plugins = try await client.plugins()
                let failed = plugins.filter { ($0.initError ?? "").isEmpty == false && !($0.initError ?? "").contains("skip plugin") }
                for plugin in failed {
                    let detail = "\(plugin.type).\(plugin.id): \(plugin.initError ?? "")"
                    let fix = "see the daemon's log; fix that plugin's config section, or list it in disabled_plugins"
                    // Optional snapshotters (devmapper, zfs…) fail on most hosts without harm.
                    let optional = plugin.type == "io.containerd.snapshotter.v1" && plugin.id != "overlayfs"
                    checks.append(optional ? .warn("plugin", detail, fix: fix) : .fail("plugin", detail, fix: fix))
                }
                let cri = plugins.first { $0.type == "io.containerd.grpc.v1" && $0.id == "cri" }
                criLoaded = cri != nil && (cri?.initError ?? "").isEmpty
                if failed.isEmpty { checks.append(.ok("plugins", "\(plugins.count) listed, none failed")) }
                if !criLoaded {
                    checks.append(.warn("cri", "the CRI plugin is not loaded: a kubelet cannot use this socket",
                                        fix: "remove io.containerd.grpc.v1.cri from disabled_plugins and restart the daemon"))
                }
            }
        } catch {
            checks.append(.fail("daemon", "\(error)", fix: "see the daemon's log"))
            return checks
        }
        guard criLoaded else { return checks }
        do {
            var options = try global.connectionOptions()
            if options.timeout == nil { options.timeout = .seconds(10) }
            try await Connection.with(options) { connection in
                let cri = CRIClient(connection: connection)
                let status = try await cri.status(verbose: true)
                let config = status.info["config"].flatMap { try? JSONValue.parse($0) }
                checks += network(status, config: config)
                if let image = try await cri.sandboxImage() {
                    let present = try await cri.imageStatus(image, verbose: false).hasImage
                    checks.append(present ? .ok("sandbox", "\(image) is present")
                        : .warn("sandbox", "\(image) is not present: the first pod pulls it",
                                fix: "pull it now (`ctr cri pull \(image)`), or load it on air-gapped nodes (`ctr cri load`)"))
                }
            }
        } catch {
            checks.append(.fail("cri", "\(error)", fix: "see the daemon's log"))
        }
        return checks
    }

    /// NetworkReady, and the CNI plugins in `bin_dir`.
    static func network(_ status: Runtime_V1_StatusResponse, config: JSONValue?) -> [DoctorCheck] {
        var checks: [DoctorCheck] = []
        let binDir = config?["cni"]?["binDir"]?.stringValue ?? "/opt/cni/bin"
        let confDir = config?["cni"]?["confDir"]?.stringValue ?? "/etc/cni/net.d"
        if let ready = status.status.conditions.first(where: { $0.type == "NetworkReady" }), !ready.status {
            checks.append(.fail("cni", "network not ready: \(ready.message.isEmpty ? ready.reason : ready.message)",
                                fix: "put a CNI .conflist into \(confDir) (it is picked up without a restart)"))
        } else {
            checks.append(.ok("cni", "network config found in \(confDir)"))
        }
        let missing = cniPlugins.filter { access(binDir + "/" + $0, X_OK) != 0 }
        if missing.isEmpty {
            checks.append(.ok("cni plugins", "\(cniPlugins.joined(separator: ", ")) in \(binDir)"))
        } else {
            checks.append(.fail("cni plugins", "missing in \(binDir): \(missing.joined(separator: ", "))",
                                fix: "apt-get install containernetworking-plugins (Debian puts them in /usr/lib/cni; set [cni] bin_dir)"))
        }
        return checks
    }
}

extension String {
    fileprivate func padded(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
