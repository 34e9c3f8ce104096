import Core
import Foundation
import Testing
import TestSupport

// Nested in the CRI suite, which runs serially: these tests start containerd, whose pods' network
// namespaces under /run/netns the CRI scenario's leak check must not see come and go.
extension CRITests {
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
            ("read-only root", kubelet(#""readonly_rootfs": true"#)),
            // The image's /etc/group lists nobody (65534) in staff (50).
            ("run as uid 65534", kubelet(#""run_as_user": {"value": 65534}"#)),
            ("run as username nobody", kubelet(#""run_as_username": "nobody""#)),
            ("run as 65534:65534 with supplemental group 1234",
             kubelet(#""run_as_user": {"value": 65534}, "run_as_group": {"value": 65534}, "supplemental_groups": [1234]"#)),
            (emptyPaths, "{}"),
        ]
        static let privilegedPodCases: [Case] = [
            ("privileged", #"{"privileged": true}"#),
            ("not privileged in a privileged pod", kubelet()),
        ]

        /// Requests ours refuses, in the plain pod.
        static let refusedCases: [Case] = [
            ("privileged container in a pod that is not", #"{"privileged": true}"#),
            ("run_as_group without a user", #"{"run_as_group": {"value": 50}}"#),
            ("unknown capability", #"{"capabilities": {"add_capabilities": ["NOPE"]}}"#),
            // This kernel has no AppArmor (checked in the test).
            ("AppArmor profile without AppArmor", #"{"apparmor": {"profile_type": "Localhost", "localhost_ref": "k8s-x"}}"#),
        ]

        /// A request without masked and read-only paths (crictl's, not a kubelet's): where we differ.
        static let emptyPaths = "masked and read-only paths left empty"

        /// What the container's shell prints of its privileges: capability sets, no_new_privs and
        /// seccomp from /proc/self/status, whether /, /sys, /sys/fs/cgroup and /proc/sys are writable,
        /// whether /proc/timer_list is masked (empty), and the device nodes in /dev.
        static let probe = """
            id
            grep -E '^(Cap|NoNewPrivs|Seccomp|Groups)' /proc/self/status
            awk '$5 == "/" || $5 == "/sys" || $5 == "/sys/fs/cgroup" || $5 == "/proc/sys" { split($6, o, ","); print $5, o[1] }' /proc/self/mountinfo
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

        /// Creates and starts a container; nil (with the failure recorded) when either step fails.
        func createAndStart(_ cri: CRICLI, _ pod: String, _ path: String, _ podPath: String, _ what: String) throws -> String? {
            let created = try cri.attempt("create", pod, path, podPath)
            #expect(created.status == 0, "\(what): \(created)")
            guard created.status == 0 else { return nil }
            return try start(cri, created.stdout.trimmed, what)
        }

        /// Starts a created container; nil (with the failure recorded) when that fails.
        func start(_ cri: CRICLI, _ id: String, _ what: String) throws -> String? {
            let started = try cri.attempt("start", id)
            #expect(started.status == 0, "\(what): \(started)")
            return started.status == 0 ? id : nil
        }

        /// A case's container name: its words joined by dashes.
        static func containerName(_ name: String) -> String {
            name.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: ":", with: "-")
                .replacingOccurrences(of: " ", with: "-")
        }

        func containerConfig(_ name: String, image: String, security: String) -> String {
            """
            {"metadata": {"name": "\(Self.containerName(name))"},
             "image": {"image": "\(image)"}, "command": ["/bin/sleep", "1000"],
             "log_path": "c.log", "linux": {"security_context": \(security)}}
            """
        }

        /// Runs every case on the daemon behind `cri`; returns what each container saw, and the
        /// failed step (create or start) of each refused case.
        func observe(_ cri: CRICLI, _ fixture: CRIFixture, label: String) throws
            -> (seen: [String: String], refused: [String: Output])
        {
            try cri("pull", fixture.images.busybox)
            var seen: [String: String] = [:]
            var refused: [String: Output] = [:]
            for (pod, privileged, cases) in [("plain", false, Self.plainPodCases), ("privileged", true, Self.privilegedPodCases)] {
                let podPath = fixture.path + "/\(label)-\(pod).json"
                try writeJSON(podConfig("\(label)-\(pod)", privileged: privileged, directory: fixture.path), to: podPath)
                let podID = try cri("runp", "--timeout", "60s", podPath).trimmed
                for (index, item) in cases.enumerated() {
                    let path = fixture.path + "/\(label)-\(pod)-\(index).json"
                    try writeJSON(containerConfig(item.name, image: fixture.images.busybox, security: item.security), to: path)
                    guard let id = try createAndStart(cri, podID, path, podPath, "\(label), \(item.name)") else { continue }
                    let output = try cri.attempt("exec", "-s", id, "/bin/sh", "-c", Self.probe)
                    #expect(output.status == 0, "\(label), \(item.name): \(output)")
                    seen[item.name] = output.stdout
                }
                if !privileged {
                    for (index, item) in Self.refusedCases.enumerated() {
                        let path = fixture.path + "/\(label)-refused-\(index).json"
                        try writeJSON(containerConfig(item.name, image: fixture.images.busybox, security: item.security), to: path)
                        let created = try cri.attempt("create", podID, path, podPath)
                        refused[item.name] = created.status != 0 ? created : try cri.attempt("start", created.stdout.trimmed)
                    }
                    if label == "ours" {
                        // A refused request leaves no container behind.
                        let listed = try cri("ps", "-a", "-q", "-p", podID).split(separator: "\n")
                        #expect(listed.count == cases.count, "\(listed)")
                    }
                }
                try cri("stopp", podID)
                try cri("rmp", podID)
            }
            return (seen, refused)
        }

        /// A seccomp filter of a runtime spec as lines, one per system call and rule (sorted), so that
        /// two filters compare whatever their grouping.
        static func flatten(seccomp: JSONValue?) -> String {
            guard let seccomp else { return "none" }
            var lines = ["default \(seccomp["defaultAction"]?.stringValue ?? "?") \(protoInteger(seccomp["defaultErrnoRet"]) ?? 1)"]
            if case .array(let architectures)? = seccomp["architectures"] {
                lines.append("architectures " + architectures.compactMap(\.stringValue).joined(separator: ","))
            }
            if case .array(let syscalls)? = seccomp["syscalls"] {
                for syscall in syscalls {
                    let action = syscall["action"]?.stringValue ?? "?"
                    let errno = protoInteger(syscall["errnoRet"]).map { " errno \($0)" } ?? ""
                    var args = ""
                    if case .array(let list)? = syscall["args"] {
                        args = list.map { arg in
                            " arg\(protoInteger(arg["index"]) ?? -1) \(arg["op"]?.stringValue ?? "?") \(protoInteger(arg["value"]) ?? -1)"
                                + "/\(protoInteger(arg["valueTwo"]) ?? 0)"
                        }.joined()
                    }
                    if case .array(let names)? = syscall["names"] {
                        for name in names.compactMap(\.stringValue) { lines.append("\(name) \(action)\(errno)\(args)") }
                    }
                }
            }
            return lines.sorted().joined(separator: "\n")
        }

        @Test("a container killed for exceeding its memory limit reports OOMKilled and exit code 137 on both",
              .usesContainerd)
        func outOfMemory() throws {
            let fixture = try CRIFixture()
            defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
            let (ours, theirs) = try fixture.onBoth { cri, label -> String in
                try cri("pull", fixture.images.busybox)
                let podPath = fixture.path + "/\(label)-oom-pod.json"
                try writeJSON(podConfig("\(label)-oom", privileged: false, directory: fixture.path), to: podPath)
                let pod = try cri("runp", "--timeout", "60s", podPath).trimmed
                // `tail` keeps the last line, and /dev/zero has no line end: it grows until killed.
                let path = fixture.path + "/\(label)-oom.json"
                try writeJSON("""
                    {"metadata": {"name": "hog"}, "image": {"image": "\(fixture.images.busybox)"},
                     "command": ["/bin/sh", "-c", "tail /dev/zero"], "log_path": "hog.log",
                     "linux": {"resources": {"memory_limit_in_bytes": 16777216}}}
                    """, to: path)
                // On ours, GetContainerEvents reports the stop with its reason (containerd 1.6 has no
                // GetContainerEvents: it came with 1.7).
                let watch = try CRIEventWatch(socket: cri.socket, path: fixture.path + "/\(label)-events.json")
                if label == "ours" {
                    try watch.waitUntilLive(cri, pod: pod, podPath: podPath, image: fixture.images.busybox, directory: fixture.path)
                } else {
                    watch.process.waitUntilExit()
                    #expect(watch.process.terminationStatus != 0, "containerd 1.6 has no GetContainerEvents")
                }
                let id = try cri("create", pod, path, podPath).trimmed
                try cri("start", id)
                if label == "ours" {
                    try eventually("the OOM stop event of \(id)", timeout: .seconds(60)) {
                        let text = watch.text
                        guard let created = text.range(of: "\"CONTAINER_STARTED_EVENT\"") else { return false }
                        let after = text[created.upperBound...]
                        return after.contains("\"CONTAINER_STOPPED_EVENT\"") && after.contains("\"OOMKilled\"")
                            && after.contains("\"exitCode\": 137")
                    }
                }
                var status: JSONValue?
                try eventually("container \(id) on \(label) exits", timeout: .seconds(60)) {
                    status = try cri.json("inspect", "-o", "json", id)["status"]
                    return status?["state"]?.stringValue == "CONTAINER_EXITED"
                }
                let reason = status?["reason"]?.stringValue ?? "(none)"
                let code = protoInteger(status?["exitCode"]) ?? -1
                try cri("stopp", pod)
                try cri("rmp", pod)
                return "\(reason) \(code)"
            }
            #expect(ours == "OOMKilled 137")
            #expect(ours == theirs, "ours: \(ours), containerd: \(theirs)")
        }

        @Test("capabilities, privileged pods and containers: the container sees on ours what it sees on containerd",
              .usesContainerd)
        func privileges() throws {
            let fixture = try CRIFixture()
            defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
            let ((oursSeen, oursRefused), (theirsSeen, theirsRefused)) = try fixture.onBoth { cri, label in
                try observe(cri, fixture, label: label)
            }

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

            // Ours refuses at CreateContainer, naming the container and the cause, and leaves no
            // container (checked in `observe`). containerd refuses the first two too; an unknown
            // capability it hands to runc, which ignores the name and starts the container: a
            // difference on purpose, since a typo in a pod's capabilities then goes unnoticed.
            let messages = [
                "a privileged container needs a privileged pod sandbox",
                "run_as_group 50 is given without run_as_user or run_as_username",
                "unknown capability \"NOPE\" in add_capabilities",
                "AppArmor profile \"k8s-x\" cannot be applied: AppArmor is not enabled on this host",
            ]
            #expect(readTextFile("/sys/module/apparmor/parameters/enabled")?.hasPrefix("Y") != true,
                    "this suite expects a kernel without AppArmor")
            for (item, message) in zip(Self.refusedCases, messages) {
                let mine = try #require(oursRefused[item.name])
                let theirs = try #require(theirsRefused[item.name])
                #expect(mine.status != 0, "\(item.name): \(mine)")
                #expect(mine.stderr.contains("container \"\(Self.containerName(item.name))\": " + message), "\(mine)")
                let unknownCapability = item.name == "unknown capability"
                #expect((theirs.status == 0) == unknownCapability, "\(item.name): containerd \(theirs)")
            }
        }

        @Test("seccomp: RuntimeDefault, Localhost (both forms), Unconfined and privileged behave on ours as on containerd; bad profiles are refused naming the file",
              .usesContainerd)
        func seccomp() throws {
            let fixture = try CRIFixture()
            defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
            let profile = fixture.path + "/no-sethostname.json"
            try writeJSON("""
                {"defaultAction": "SCMP_ACT_ALLOW",
                 "syscalls": [{"names": ["sethostname"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
                """, to: profile)
            let malformed = fixture.path + "/malformed.json"
            try writeJSON(#"{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["sethostname"]"#, to: malformed)
            let missing = fixture.path + "/missing.json"
            // Every case holds CAP_SYS_ADMIN, so only the filter can refuse sethostname.
            let admin = #""capabilities": {"add_capabilities": ["SYS_ADMIN"]}"#
            let cases: [Case] = [
                ("RuntimeDefault", Self.kubelet(admin + #", "seccomp": {"profile_type": "RuntimeDefault"}"#)),
                ("runtime/default", Self.kubelet(admin + #", "seccomp_profile_path": "runtime/default""#)),
                ("Localhost", Self.kubelet(admin + #", "seccomp": {"profile_type": "Localhost", "localhost_ref": "\#(profile)"}"#)),
                ("localhost/ path", Self.kubelet(admin + #", "seccomp_profile_path": "localhost/\#(profile)""#)),
                ("Unconfined", Self.kubelet(admin + #", "seccomp": {"profile_type": "Unconfined"}"#)),
                ("none named", Self.kubelet(admin)),
                ("RuntimeDefault, default capabilities", Self.kubelet(#""seccomp": {"profile_type": "RuntimeDefault"}"#)),
            ]
            let refusedCases: [Case] = [
                ("missing profile", #"{"seccomp": {"profile_type": "Localhost", "localhost_ref": "\#(missing)"}}"#),
                ("malformed profile", #"{"seccomp": {"profile_type": "Localhost", "localhost_ref": "\#(malformed)"}}"#),
            ]
            let privilegedCase: Case = ("privileged with Localhost",
                                        #"{"privileged": true, "seccomp": {"profile_type": "Localhost", "localhost_ref": "\#(profile)"}}"#)
            let probe = """
                grep -E '^Seccomp' /proc/self/status
                hostname changed 2>&1 && echo hostname set
                """
            let (ours, theirs) = try fixture.onBoth { cri, label -> (seen: [String: String], refused: [String: Output]) in
                try cri("pull", fixture.images.busybox)
                var seen: [String: String] = [:]
                var refused: [String: Output] = [:]
                for (pod, privileged) in [("plain", false), ("privileged", true)] {
                    let podPath = fixture.path + "/\(label)-seccomp-\(pod).json"
                    try writeJSON(podConfig("\(label)-seccomp-\(pod)", privileged: privileged, directory: fixture.path), to: podPath)
                    let podID = try cri("runp", "--timeout", "60s", podPath).trimmed
                    for (index, item) in (privileged ? [privilegedCase] : cases + refusedCases).enumerated() {
                        let path = fixture.path + "/\(label)-seccomp-\(pod)-\(index).json"
                        try writeJSON(containerConfig(item.name, image: fixture.images.busybox, security: item.security), to: path)
                        let created = try cri.attempt("create", podID, path, podPath)
                        if refusedCases.contains(where: { $0.name == item.name }) {
                            refused[item.name] = created
                            continue
                        }
                        #expect(created.status == 0, "\(label), \(item.name): \(created)")
                        guard created.status == 0, let id = try start(cri, created.stdout.trimmed, "\(label), \(item.name)")
                        else { continue }
                        seen[item.name] = try cri.attempt("exec", "-s", id, "/bin/sh", "-c", probe).stdout
                        if item.name.hasPrefix("RuntimeDefault") {
                            // The filter itself, as the runtime spec carries it.
                            let filter = try cri.json("inspect", "-o", "json", id)["info"]?["runtimeSpec"]?["linux"]?["seccomp"]
                            seen[item.name + " filter"] = Self.flatten(seccomp: filter)
                        }
                    }
                    if label == "ours" && !privileged {
                        let listed = try cri("ps", "-a", "-q", "-p", podID).split(separator: "\n")
                        #expect(listed.count == cases.count, "refused containers are not kept: \(listed)")
                    }
                    try cri("stopp", podID)
                    try cri("rmp", podID)
                }
                return (seen, refused)
            }
            for item in cases + [privilegedCase] {
                let mine = try #require(ours.seen[item.name], "ours: \(item.name)")
                #expect(mine == theirs.seen[item.name], "\(item.name): ours\n\(mine)\ncontainerd\n\(theirs.seen[item.name] ?? "-")")
            }
            // The default profile's filter is containerd's, call by call, with CAP_SYS_ADMIN and without.
            for name in ["RuntimeDefault filter", "RuntimeDefault, default capabilities filter"] {
                let filter = try #require(ours.seen[name])
                #expect(filter.contains("read SCMP_ACT_ALLOW") && filter.contains("default SCMP_ACT_ERRNO"), "\(filter)")
                let theirFilter = theirs.seen[name] ?? ""
                let mineOnly = Set(filter.split(separator: "\n")).subtracting(theirFilter.split(separator: "\n"))
                let theirsOnly = Set(theirFilter.split(separator: "\n")).subtracting(filter.split(separator: "\n"))
                #expect(mineOnly.isEmpty && theirsOnly.isEmpty,
                        "\(name): only ours: \(mineOnly.sorted())\nonly containerd's: \(theirsOnly.sorted())")
            }
            #expect(ours.seen["RuntimeDefault, default capabilities filter"]?.contains("clone3 SCMP_ACT_ERRNO errno 38") == true)

            // What the cases mean, beyond being the same on both.
            #expect(ours.seen["RuntimeDefault"]?.contains("Seccomp:\t2") == true, "\(ours.seen)")
            #expect(ours.seen["Localhost"]?.contains("Operation not permitted") == true, "\(ours.seen)")
            #expect(ours.seen["Unconfined"]?.contains("hostname set") == true, "\(ours.seen)")
            #expect(ours.seen["privileged with Localhost"]?.contains("hostname set") == true, "\(ours.seen)")
            for (item, file) in zip(refusedCases, [missing, malformed]) {
                let mine = try #require(ours.refused[item.name])
                #expect(mine.status != 0 && theirs.refused[item.name]?.status != 0, "\(item.name): \(mine)")
                #expect(mine.stderr.contains("container \"\(Self.containerName(item.name))\": seccomp profile \"\(file)\": "),
                        "\(mine)")
            }
        }

        @Test("sysctls of the pod's own namespaces apply, others are refused; host namespaces; a TARGET container joins its target's PID namespace",
              .usesContainerd)
        func sysctlsAndTarget() throws {
            let fixture = try CRIFixture()
            defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends, not earlier
            func pod(_ name: String, sysctls: String) -> String {
                """
                {"metadata": {"name": "\(name)", "namespace": "default", "uid": "uid-\(name)", "attempt": 1},
                 "log_directory": "\(fixture.path)/logs-\(name)", "linux": {"sysctls": {\(sysctls)}}}
                """
            }
            let (ours, theirs) = try fixture.onBoth { cri, label -> (seen: String, refused: Output, host: String) in
                try cri("pull", fixture.images.busybox)
                let podPath = fixture.path + "/\(label)-sysctl-pod.json"
                try writeJSON(pod("\(label)-sysctl", sysctls: #""net.ipv4.ip_unprivileged_port_start": "0", "kernel.shm_rmid_forced": "1""#),
                              to: podPath)
                let podID = try cri("runp", "--timeout", "60s", podPath).trimmed
                let targetPath = fixture.path + "/\(label)-target.json"
                try writeJSON("""
                    {"metadata": {"name": "target"}, "image": {"image": "\(fixture.images.busybox)"},
                     "command": ["/bin/sleep", "1234"], "log_path": "target.log",
                     "linux": {"security_context": {"namespace_options": {"pid": "CONTAINER"}}}}
                    """, to: targetPath)
                let target = try cri("create", podID, targetPath, podPath).trimmed
                try cri("start", target)
                let debugPath = fixture.path + "/\(label)-debug.json"
                try writeJSON("""
                    {"metadata": {"name": "debug"}, "image": {"image": "\(fixture.images.busybox)"},
                     "command": ["/bin/sleep", "1000"], "log_path": "debug.log",
                     "linux": {"security_context": {"namespace_options": {"pid": "TARGET", "target_id": "\(target)"}}}}
                    """, to: debugPath)
                let debug = try cri("create", podID, debugPath, podPath).trimmed
                try cri("start", debug)
                let seen = try cri("exec", "-s", debug, "/bin/sh", "-c", """
                    echo port start $(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)
                    echo shm_rmid_forced $(cat /proc/sys/kernel/shm_rmid_forced)
                    echo pid 1: $(tr '\\0' ' ' < /proc/1/cmdline)
                    """)
                try cri("stopp", podID)
                try cri("rmp", podID)

                let unsafePath = fixture.path + "/\(label)-unsafe-pod.json"
                try writeJSON(pod("\(label)-unsafe", sysctls: #""kernel.panic": "5""#), to: unsafePath)
                // A pod in the host's network, IPC and PID namespaces.
                let hostPodPath = fixture.path + "/\(label)-host-pod.json"
                try writeJSON("""
                    {"metadata": {"name": "\(label)-host", "namespace": "default", "uid": "uid-\(label)-host", "attempt": 1},
                     "log_directory": "\(fixture.path)/logs-\(label)-host",
                     "linux": {"security_context": {"namespace_options": {"network": "NODE", "pid": "NODE", "ipc": "NODE"}}}}
                    """, to: hostPodPath)
                let hostPod = try cri("runp", "--timeout", "60s", hostPodPath).trimmed
                let hostContainerPath = fixture.path + "/\(label)-host-container.json"
                try writeJSON("""
                    {"metadata": {"name": "in-host"}, "image": {"image": "\(fixture.images.busybox)"},
                     "command": ["/bin/sleep", "1000"], "log_path": "host.log",
                     "linux": {"security_context": {"namespace_options": {"network": "NODE", "pid": "NODE", "ipc": "NODE"}}}}
                    """, to: hostContainerPath)
                let inHost = try cri("create", hostPod, hostContainerPath, hostPodPath).trimmed
                try cri("start", inHost)
                let host = try cri("exec", "-s", inHost, "/bin/sh", "-c",
                                   "for n in net ipc pid mnt; do readlink /proc/self/ns/$n; done")
                try cri("stopp", hostPod)
                try cri("rmp", hostPod)

                let refused = try cri.attempt("runp", "--timeout", "60s", unsafePath)
                if label == "ours" {
                    #expect(try cri("pods", "-q").trimmed.isEmpty, "a refused pod is not kept")
                }
                return (seen, refused, host)
            }
            // The host pod's container shares the host's network, IPC and PID namespaces, not its mounts.
            let hostNamespaces = try ["net", "ipc", "pid"].map {
                try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/\($0)")
            }
            let lines = ours.host.split(separator: "\n").map(String.init)
            #expect(Array(lines.prefix(3)) == hostNamespaces, "\(ours.host)")
            let hostMounts = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/mnt")
            #expect(lines.count == 4 && lines[3] != hostMounts, "\(ours.host)")
            let theirLines = theirs.host.split(separator: "\n").map(String.init)
            #expect(Array(theirLines.prefix(3)) == hostNamespaces && theirLines.count == 4 && theirLines[3] != hostMounts,
                    "containerd: \(theirs.host)")
            #expect(ours.seen == "port start 0\nshm_rmid_forced 1\npid 1: /bin/sleep 1234\n", "\(ours.seen)")
            #expect(ours.seen == theirs.seen, "ours: \(ours.seen)\ncontainerd: \(theirs.seen)")
            // Both refuse a sysctl that is not namespaced; ours before making anything, naming it
            // (containerd's runc refuses it when the pause container starts).
            #expect(ours.refused.status != 0 && theirs.refused.status != 0, "ours: \(ours.refused)\ncontainerd: \(theirs.refused)")
            #expect(ours.refused.stderr.contains(
                "pod sandbox \"ours-unsafe\": sysctl \"kernel.panic\" is not namespaced: setting it would change the whole node"),
                "\(ours.refused)")
        }

        @Test("mounts and devices: propagation both ways with the host-side checks, read-only mounts, requested devices",
              .usesContainerd)
        func mountsAndDevices() throws {
            let fixture = try CRIFixture()
            defer { withExtendedLifetime(fixture) {} }  // cleaned up when the test ends (its mounts too)
            let shared = fixture.path + "/shared", slave = fixture.path + "/slave", isolated = fixture.path + "/private"
            for (directory, commands) in [
                (shared, [["-t", "tmpfs", "tmpfs", shared], ["--make-shared", shared]]),
                (slave, [["--bind", shared, slave], ["--make-slave", slave]]),
                (isolated, [["-t", "tmpfs", "tmpfs", isolated], ["--make-private", isolated]]),
            ] {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                for arguments in commands {
                    let mounted = try run("/bin/mount", arguments)
                    guard mounted.status == 0 else { throw TestFailure("mount \(arguments): \(mounted)") }
                }
            }
            defer { for path in [slave, isolated, shared] { _ = try? run("/bin/umount", ["-l", path]) } }
            func mountsOnHost() -> String { (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? "" }
            func mount(_ path: String, _ host: String, _ propagation: String, readonly: Bool = false) -> String {
                #"{"container_path": "\#(path)", "host_path": "\#(host)", "propagation": "\#(propagation)", "readonly": \#(readonly)}"#
            }
            typealias MountCase = (name: String, privileged: Bool, mounts: [String], devices: String, refusedByOurs: Bool)
            let cases: [MountCase] = [
                ("bidirectional on a shared mount", true, [mount("/mnt/b", shared, "PROPAGATION_BIDIRECTIONAL")], "", false),
                ("host to container on a slave mount", false, [mount("/mnt/h", slave, "PROPAGATION_HOST_TO_CONTAINER")], "", false),
                ("read-only mount", false, [mount("/mnt/ro", isolated, "PROPAGATION_PRIVATE", readonly: true)], "", false),
                ("requested device", false, [],
                 #"{"container_path": "/dev/mynull", "host_path": "/dev/null", "permissions": "rw"}"#, false),
                ("bidirectional on a private mount", true, [mount("/mnt/b", isolated, "PROPAGATION_BIDIRECTIONAL")], "", true),
                ("host to container on a private mount", false, [mount("/mnt/h", isolated, "PROPAGATION_HOST_TO_CONTAINER")], "", true),
                ("bidirectional in a container that is not privileged", false,
                 [mount("/mnt/b", shared, "PROPAGATION_BIDIRECTIONAL")], "", true),
            ]
            let probes = [
                "bidirectional on a shared mount": "mkdir -p /mnt/b/inner && mount -t tmpfs tmpfs /mnt/b/inner && echo mounted",
                "host to container on a slave mount": "awk '$5 ~ \"^/mnt/h/late\" { n++ } END { print n + 0, \"late mounts\" }' /proc/self/mountinfo",
                "read-only mount": "touch /mnt/ro/x 2>&1; awk '$5 == \"/mnt/ro\" { split($6, o, \",\"); print o[1] }' /proc/self/mountinfo",
                "requested device": "ls -l /dev/mynull | awk '{ print $1, $5, $6 }'; echo hi > /dev/mynull && echo written",
            ]
            let (ours, theirs) = try fixture.onBoth { cri, label -> (seen: [String: String], created: [String: Output]) in
                try cri("pull", fixture.images.busybox)
                var seen: [String: String] = [:]
                var created: [String: Output] = [:]
                var pods: [Bool: (id: String, path: String)] = [:]
                for privileged in [false, true] {
                    let podPath = fixture.path + "/\(label)-mounts-\(privileged).json"
                    try writeJSON(podConfig("\(label)-mounts-\(privileged)", privileged: privileged, directory: fixture.path), to: podPath)
                    pods[privileged] = (try cri("runp", "--timeout", "60s", podPath).trimmed, podPath)
                }
                for (index, item) in cases.enumerated() {
                    guard let pod = pods[item.privileged] else { continue }
                    let path = fixture.path + "/\(label)-mount-\(index).json"
                    try writeJSON("""
                        {"metadata": {"name": "\(Self.containerName(item.name))"}, "image": {"image": "\(fixture.images.busybox)"},
                         "command": ["/bin/sleep", "1000"], "log_path": "m\(index).log",
                         "mounts": [\(item.mounts.joined(separator: ", "))],
                         "devices": [\(item.devices)],
                         "linux": {"security_context": {"privileged": \(item.privileged)}}}
                        """, to: path)
                    let made = try cri.attempt("create", pod.id, path, pod.path)
                    created[item.name] = made
                    guard made.status == 0, let probe = probes[item.name] else { continue }
                    let id = made.stdout.trimmed
                    try cri("start", id)
                    if item.name == "host to container on a slave mount" {
                        // A mount made on the host after the container started reaches it.
                        let late = shared + "/late-\(label)"
                        try FileManager.default.createDirectory(atPath: late, withIntermediateDirectories: true)
                        _ = try run("/bin/mount", ["-t", "tmpfs", "tmpfs", late])
                        defer { _ = try? run("/bin/umount", ["-l", late]) }
                        seen[item.name] = try cri.attempt("exec", "-s", id, "/bin/sh", "-c", probe).stdout
                    } else {
                        seen[item.name] = try cri.attempt("exec", "-s", id, "/bin/sh", "-c", probe).stdout
                    }
                    if item.name == "bidirectional on a shared mount" {
                        // The container's mount reached the host.
                        let inner = shared + "/inner"
                        seen[item.name, default: ""] += mountsOnHost().contains(" \(inner) ") ? "seen on the host\n" : "not on the host\n"
                        _ = try? run("/bin/umount", ["-l", inner])
                    }
                }
                if label == "ours", let plain = pods[false] {
                    // Refused requests leave no container behind.
                    let listed = try cri("ps", "-a", "-q", "-p", plain.id).split(separator: "\n")
                    #expect(listed.count == cases.filter { !$0.privileged && !$0.refusedByOurs }.count, "\(listed)")
                }
                for pod in pods.values {
                    try cri("stopp", pod.id)
                    try cri("rmp", pod.id)
                }
                return (seen, created)
            }
            #expect(ours.seen["bidirectional on a shared mount"] == "mounted\nseen on the host\n", "\(ours.seen)")
            #expect(ours.seen["host to container on a slave mount"] == "1 late mounts\n", "\(ours.seen)")
            #expect(ours.seen["read-only mount"] == "touch: /mnt/ro/x: Read-only file system\nro\n", "\(ours.seen)")
            #expect(ours.seen["requested device"] == "crw-rw-rw- 1, 3\nwritten\n", "\(ours.seen)")
            for item in cases where !item.refusedByOurs {
                #expect(ours.seen[item.name] == theirs.seen[item.name],
                        "\(item.name): ours \(ours.seen[item.name] ?? "-"), containerd \(theirs.seen[item.name] ?? "-")")
            }
            let reasons = [
                "bidirectional on a private mount": "mount source \"\(isolated)\" is on \"\(isolated)\", which is not a shared mount",
                "host to container on a private mount":
                    "mount source \"\(isolated)\" is on \"\(isolated)\", which is not a shared or slave mount",
                "bidirectional in a container that is not privileged":
                    "mount \"/mnt/b\": Bidirectional propagation needs a privileged container",
            ]
            for item in cases where item.refusedByOurs {
                let mine = try #require(ours.created[item.name])
                #expect(mine.status != 0, "\(item.name): \(mine)")
                #expect(mine.stderr.contains("container \"\(Self.containerName(item.name))\": " + (reasons[item.name] ?? "?")),
                        "\(mine)")
                // containerd refuses the private sources too; a Bidirectional mount in a container
                // that is not privileged it accepts (a kubelet refuses that pod itself): a difference on
                // purpose, since the mount would let the container change the host's mounts.
                let expectTheirs = item.name != "bidirectional in a container that is not privileged"
                #expect((theirs.created[item.name]?.status != 0) == expectTheirs,
                        "\(item.name): containerd \(String(describing: theirs.created[item.name]))")
            }
        }
    }
}
