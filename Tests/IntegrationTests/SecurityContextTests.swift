import Core
import Foundation
import Testing
import TestSupport

/// The same pods and containers, with the same security contexts, through `ctr cri` on our
/// daemon and on Debian's containerd 1.6: what the container's processes see of their privileges
/// must be the same.
@Suite("Security context, ours beside containerd", .serialized, .timeLimit(.minutes(5)),
       .enabled(if: haveRegistryTools && haveRunc && getuid() == 0))
struct SecurityContextTests {
    /// A container case: its name and its `security_context` (JSON).
    typealias Case = (name: String, security: String)

    /// The masked and read-only paths a kubelet sends with every container that is not
    /// privileged (Kubernetes' defaults).
    static let kubeletPaths = """
        "masked_paths": ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                         "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
        "readonly_paths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
        """

    /// A security context as a kubelet sends it: `fields` plus the default paths.
    static func kubelet(_ fields: String = "") -> String {
        "{" + (fields.isEmpty ? "" : fields + ", ") + kubeletPaths + "}"
    }

    static let plainPodCases: [Case] = [
        ("default", kubelet()),
        ("add ALL", kubelet(#""capabilities": {"add_capabilities": ["ALL"]}"#)),
        ("add ALL, drop NET_RAW", kubelet(#""capabilities": {"add_capabilities": ["ALL"], "drop_capabilities": ["NET_RAW"]}"#)),
        ("drop ALL, add net_admin and chown",
         kubelet(#""capabilities": {"add_capabilities": ["net_admin", "chown"], "drop_capabilities": ["ALL"]}"#)),
        ("no new privileges", kubelet(#""no_new_privs": true"#)),
        (emptyPaths, "{}"),
    ]
    static let privilegedPodCases: [Case] = [
        ("privileged", #"{"privileged": true}"#),
        ("not privileged in a privileged pod", kubelet()),
    ]

    /// A request without masked and read-only paths (crictl's, not a kubelet's): where we differ.
    static let emptyPaths = "masked and read-only paths left empty"

    /// What the container's shell prints of its privileges: capability sets, no_new_privs and
    /// seccomp from /proc/self/status, whether /sys, /sys/fs/cgroup and /proc/sys are writable,
    /// whether /proc/timer_list is masked (empty), and the device nodes in /dev.
    static let probe = """
        grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status
        awk '$5 == "/sys" || $5 == "/sys/fs/cgroup" || $5 == "/proc/sys" { split($6, o, ","); print $5, o[1] }' /proc/self/mountinfo
        echo timer_list bytes: $(head -c 1 /proc/timer_list 2>/dev/null | wc -c)
        echo devices: $(ls /dev | sort)
        """

    func podConfig(_ name: String, privileged: Bool, directory: String) -> String {
        """
        {"metadata": {"name": "\(name)", "namespace": "default", "uid": "uid-\(name)", "attempt": 1},
         "log_directory": "\(directory)/logs-\(name)",
         "linux": {"security_context": {"privileged": \(privileged)}}}
        """
    }

    func containerConfig(_ name: String, image: String, security: String) -> String {
        """
        {"metadata": {"name": "\(name.replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: ",", with: ""))"},
         "image": {"image": "\(image)"}, "command": ["/bin/sleep", "1000"],
         "log_path": "c.log", "linux": {"security_context": \(security)}}
        """
    }

    /// Runs every case on the daemon behind `cri`; returns what each container saw, and how the
    /// daemon answered a privileged container in a pod that is not.
    func observe(_ cri: CRICLI, _ fixture: CRIFixture, label: String) throws -> (seen: [String: String], refused: Output) {
        try cri("pull", fixture.images.busybox)
        var seen: [String: String] = [:]
        var refused: Output?
        for (pod, privileged, cases) in [("plain", false, Self.plainPodCases), ("privileged", true, Self.privilegedPodCases)] {
            let podPath = fixture.path + "/\(label)-\(pod).json"
            try writeJSON(podConfig("\(label)-\(pod)", privileged: privileged, directory: fixture.path), to: podPath)
            let podID = try cri("runp", "--timeout", "60s", podPath).trimmed
            for (index, item) in cases.enumerated() {
                let path = fixture.path + "/\(label)-\(pod)-\(index).json"
                try writeJSON(containerConfig(item.name, image: fixture.images.busybox, security: item.security), to: path)
                let created = try cri.attempt("create", podID, path, podPath)
                #expect(created.status == 0, "\(label), \(item.name): \(created)")
                guard created.status == 0 else { continue }
                let id = created.stdout.trimmed
                let started = try cri.attempt("start", id)
                #expect(started.status == 0, "\(label), \(item.name): \(started)")
                guard started.status == 0 else { continue }
                let output = try cri.attempt("exec", "-s", id, "/bin/sh", "-c", Self.probe)
                #expect(output.status == 0, "\(label), \(item.name): \(output)")
                seen[item.name] = output.stdout
            }
            if !privileged {
                let path = fixture.path + "/\(label)-refused.json"
                try writeJSON(containerConfig("refused", image: fixture.images.busybox, security: #"{"privileged": true}"#),
                              to: path)
                refused = try cri.attempt("create", podID, path, podPath)
            }
            try cri("stopp", podID)
            try cri("rmp", podID)
        }
        return (seen, try #require(refused))
    }

    @Test("capabilities, privileged pods and containers: the container sees on ours what it sees on containerd",
          .usesContainerd)
    func privileges() throws {
        let fixture = try CRIFixture()
        defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier

        for daemon in ["ours", "containerd"] {
            try FileManager.default.createDirectory(atPath: fixture.path + "/" + daemon, withIntermediateDirectories: true)
        }
        defer { cleanUpRuntime(fixture.path + "/ours") }  // a failed case's containers
        let ours = try DaemonProcess.ours(in: fixture.path + "/ours", config: fixture.ourConfig())
        let oursCRI = CRICLI(socket: ours.socket)
        defer { _ = try? oursCRI.attempt("rmp", "-f", "-a") }
        let (oursSeen, oursRefused) = try observe(oursCRI, fixture, label: "ours")
        _ = try ours.stop()

        let containerd = try DaemonProcess.containerd(in: fixture.path + "/containerd", cri: fixture.criSection)
        defer { _ = try? run("/usr/bin/pkill", ["-9", "-f", "containerd-shim-runc-v2 .*-address \(containerd.socket)"]) }
        let theirsCRI = CRICLI(socket: containerd.socket)
        defer { _ = try? theirsCRI.attempt("rmp", "-f", "-a") }
        let (theirsSeen, theirsRefused) = try observe(theirsCRI, fixture, label: "containerd")
        _ = try containerd.stop()

        for item in Self.plainPodCases + Self.privilegedPodCases where item.name != Self.emptyPaths {
            let mine = try #require(oursSeen[item.name], "ours: \(item.name)")
            let theirs = try #require(theirsSeen[item.name], "containerd: \(item.name)")
            #expect(mine.contains("CapEff:") && mine.contains("devices: "), "the probe ran: \(mine)")
            #expect(mine == theirs, "\(item.name): ours\n\(mine)\ncontainerd\n\(theirs)")
        }
        // A difference on purpose: a request that leaves the masked and read-only paths empty gets
        // the default set from us, as Docker gives a container that names none (the safe
        // reading); containerd 1.6 then masks nothing and leaves /proc/sys writable. A kubelet always sends the set, so
        // pods see no difference; a hand-written crictl config does.
        let mine = try #require(oursSeen[Self.emptyPaths])
        let theirs = try #require(theirsSeen[Self.emptyPaths])
        #expect(mine.contains("/proc/sys ro") && mine.contains("timer_list bytes: 0"), "\(mine)")
        #expect(!theirs.contains("/proc/sys ro") && theirs.contains("timer_list bytes: 1"), "\(theirs)")
        #expect(try #require(oursSeen["default"]) == mine, "empty paths mean the kubelet's defaults")

        // The privileged container holds what the daemon holds: every capability of its bounding
        // set, not a fixed list (this host lacks CAP_SYS_RESOURCE).
        let status = try #require(readTextFile("/proc/self/status"))
        let daemonMask = try #require(LinuxCapabilities.mask("CapEff", inStatus: status))
        let privileged = try #require(oursSeen["privileged"])
        #expect(LinuxCapabilities.mask("CapEff", inStatus: privileged) == daemonMask, "\(privileged)")

        // Both refuse a privileged container in a pod that is not; ours says why.
        #expect(oursRefused.status != 0 && theirsRefused.status != 0, "ours: \(oursRefused)\ncontainerd: \(theirsRefused)")
        #expect(oursRefused.stderr.contains("a privileged container needs a privileged pod sandbox"), "\(oursRefused)")
    }
}
