import API
import Core
import Glibc

/// OCI specs for pod sandboxes (the pause container) and for the containers of a pod, as
/// containerd's CRI plugin builds them from the CRI configs.
enum CRISpec {
    /// /dev/shm from the pod's shared tmpfs instead of a private one.
    static func useSandboxShm(_ spec: inout OCISpec, _ sandbox: Sandbox) {
        let shm = sandbox.status.root + "/shm"
        guard access(shm, F_OK) == 0 else { return }
        spec.mounts?.removeAll { $0.destination == "/dev/shm" }
        spec.mounts?.append(OCISpec.Mount(destination: "/dev/shm", type: "bind", source: shm,
                                          options: ["rbind", "nosuid", "nodev", "noexec", "rw"]))
    }

    /// The cgroup of a pod's sandbox or container, as containerd names it: `PARENT/ID` under the
    /// cgroupfs driver; runc's systemd form `SLICE:cri-containerd:ID` when the parent is a slice
    /// (what a kubelet with the systemd driver gives: `kubepods-besteffort-pod<uid>.slice`). Without
    /// a parent: `/NAMESPACE/ID`, or `system.slice:cri-containerd:ID` under the systemd driver.
    static func cgroupsPath(parent: String, id: String, namespace: String, systemd: Bool) -> String {
        if let slice = slice(parent) { return slice + ":cri-containerd:" + id }
        if parent.isEmpty { return systemd ? "system.slice:cri-containerd:" + id : "/\(namespace)/\(id)" }
        return parent.hasSuffix("/") ? parent + id : parent + "/" + id
    }

    /// The slice a cgroup parent names (its last component, when that is a `.slice`), as the
    /// kubelet's systemd driver gives it; nil for a cgroupfs path.
    static func slice(_ parent: String) -> String? {
        guard let last = parent.split(separator: "/").last, last.hasSuffix(".slice") else { return nil }
        return String(last)
    }

    /// The kubelet's cgroup driver shows in the parent it gives (a `.slice` under systemd, a path
    /// under cgroupfs); it has to be ours, or the pod's cgroups would land outside the kubelet's
    /// accounting (or runc refuses the path). The systemd driver also needs systemd running.
    static func checkCgroupDriver(parent: String, systemd: Bool, pod: String,
                                  systemdRunning: Bool = access("/run/systemd/system", F_OK) == 0) throws(CtrError) {
        let slice = slice(parent)
        if systemd && !systemdRunning {
            throw .failedPrecondition("""
                pod sandbox "\(pod)": the runtime uses the systemd cgroup driver (SystemdCgroup = true) but systemd \
                is not running on this host (no /run/systemd/system): set SystemdCgroup = false in the runtime's options
                """)
        }
        if systemd && !parent.isEmpty && slice == nil {
            throw .failedPrecondition("""
                pod sandbox "\(pod)": cgroup parent "\(parent)" is a cgroupfs path, so the kubelet uses the cgroupfs \
                driver, but this runtime uses systemd (SystemdCgroup = true): set cgroupDriver: systemd in the \
                kubelet's configuration, or SystemdCgroup = false in the runtime's options
                """)
        }
        if !systemd && slice != nil {
            throw .failedPrecondition("""
                pod sandbox "\(pod)": cgroup parent "\(parent)" is a systemd slice, so the kubelet uses the systemd \
                driver, but this runtime uses cgroupfs (SystemdCgroup = false): set SystemdCgroup = true in the \
                runtime's options, or cgroupDriver: cgroupfs in the kubelet's configuration
                """)
        }
    }

    /// The pause container: its own pid, ipc and uts namespaces (unless the pod uses the host's)
    /// and the pinned network namespace.
    static func sandbox(_ sandbox: Sandbox, image: CRIImage, namespace: String, restrictOOMScoreAdj: Bool,
                        unsetSeccompProfile: String = "", systemdCgroup: Bool = false) throws(CtrError) -> OCISpec {
        let config = sandbox.config
        let options = config.linux.securityContext.namespaceOptions
        var spec = OCISpec.defaultSpec(id: sandbox.id, namespace: namespace)
        spec.apply(imageConfig: image.resolved.runConfig, args: [])
        if !sandbox.hostNetwork { spec.hostname = config.hostname }
        var namespaces: [OCISpec.Namespace] = [OCISpec.Namespace(type: "mount")]
        if options.pid != .node { namespaces.append(OCISpec.Namespace(type: "pid")) }
        if options.ipc != .node { namespaces.append(OCISpec.Namespace(type: "ipc")) }
        if !sandbox.hostNetwork {
            namespaces.append(OCISpec.Namespace(type: "uts"))
            namespaces.append(OCISpec.Namespace(type: "network", path: sandbox.status.netns))
        }
        spec.linux?.namespaces = namespaces
        if options.ipc != .node { useSandboxShm(&spec, sandbox) }
        spec.linux?.cgroupsPath = cgroupsPath(parent: config.linux.cgroupParent, id: sandbox.id, namespace: namespace,
                                              systemd: systemdCgroup)
        if !config.linux.sysctls.isEmpty { spec.linux?.sysctl = config.linux.sysctls }
        let security = config.linux.securityContext
        if security.hasRunAsUser { spec.process?.user.uid = UInt32(clamping: security.runAsUser.value) }
        if security.hasRunAsGroup { spec.process?.user.gid = UInt32(clamping: security.runAsGroup.value) }
        if security.readonlyRootfs { spec.root?.readonly = true }
        if security.privileged { makePrivileged(&spec, hostDevices: false) }
        spec.linux?.seccomp = try seccomp(security.hasSeccomp ? security.seccomp : nil, path: security.seccompProfilePath,
                                          privileged: security.privileged, unset: unsetSeccompProfile,
                                          capabilities: OCISpec.defaultCapabilities,
                                          object: "pod sandbox \"\(config.metadata.name)\"")
        spec.process?.oomScoreAdj = oomScoreAdj(sandboxOOMScoreAdj, restrict: restrictOOMScoreAdj)
        spec.annotations = [
            "io.kubernetes.cri.container-type": "sandbox",
            "io.kubernetes.cri.sandbox-id": sandbox.id,
            "io.kubernetes.cri.sandbox-name": config.metadata.name,
            "io.kubernetes.cri.sandbox-namespace": config.metadata.namespace,
            "io.kubernetes.cri.sandbox-uid": config.metadata.uid,
            "io.kubernetes.cri.sandbox-log-directory": config.logDirectory,
            "io.kubernetes.cri.image-name": image.repoTags.first ?? image.id,
        ]
        return spec
    }

    /// A container of the pod: the pod's namespaces joined through the pause process, the
    /// image's defaults overridden by the config, security context and resources honoured.
    /// `user` is the image's or `run_as_username`'s user resolved against the image's
    /// /etc/passwd and /etc/group, when either names one.
    static func container(id: String, _ config: Runtime_V1_ContainerConfig, sandbox: Sandbox, image: CRIImage,
                          namespace: String, restrictOOMScoreAdj: Bool,
                          user: UserDatabase.Resolved? = nil, unsetSeccompProfile: String = "",
                          targetPID: Int32? = nil, systemdCgroup: Bool = false) throws(CtrError) -> OCISpec {
        var spec = OCISpec.defaultSpec(id: id, namespace: namespace)
        let runConfig = image.resolved.runConfig
        // CRI: `command` replaces the image's entrypoint, `args` its command.
        if !config.command.isEmpty {
            spec.process?.args = config.command + config.args
            spec.apply(imageConfig: runConfig, args: ["placeholder"])
            spec.process?.args = config.command + config.args
        } else {
            spec.apply(imageConfig: runConfig, args: config.args)
        }
        if spec.process?.args.isEmpty ?? true {
            throw .invalidArgument("container \"\(config.metadata.name)\": no command given and the image has none")
        }
        var env = spec.process?.env ?? []
        for variable in config.envs {
            env.removeAll { $0.hasPrefix(variable.key + "=") }
            env.append(variable.key + "=" + variable.value)
        }
        spec.process?.env = env
        if !config.workingDir.isEmpty { spec.process?.cwd = config.workingDir }
        spec.process?.terminal = config.tty

        // Mounts: the cgroup hierarchy (read-only, as containerd mounts it; read-write when
        // privileged), the sandbox's hosts, hostname and resolv.conf, then the config's own.
        var mounts = spec.mounts ?? []
        mounts.append(OCISpec.Mount(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                                    options: ["nosuid", "noexec", "nodev", "relatime", "ro"]))
        let own = Set(config.mounts.map(\.containerPath))
        for (name, path) in [("hosts", "/etc/hosts"), ("hostname", "/etc/hostname"), ("resolv.conf", "/etc/resolv.conf")]
        where !own.contains(path) {
            let source = sandbox.status.root + "/" + name
            if access(source, F_OK) == 0 {
                mounts.append(OCISpec.Mount(destination: path, type: "bind", source: source,
                                            options: ["rbind", "rprivate", config.linux.securityContext.readonlyRootfs ? "ro" : "rw"]))
            }
        }
        for mount in config.mounts {
            guard mount.containerPath.hasPrefix("/") else {
                throw .invalidArgument("container \"\(config.metadata.name)\": mount path \"\(mount.containerPath)\" is not absolute")
            }
            guard mount.hostPath.hasPrefix("/") else {
                throw .invalidArgument("container \"\(config.metadata.name)\": mount source \"\(mount.hostPath)\" is not absolute")
            }
            if access(mount.hostPath, F_OK) != 0 {
                // kubelet's behaviour: a missing host directory is created.
                _ = mkdir(mount.hostPath, 0o755)
            }
            let propagation = try self.propagation(mount, privileged: config.linux.securityContext.privileged,
                                                   container: config.metadata.name,
                                                   mountinfo: readTextFile("/proc/self/mountinfo") ?? "")
            // The root must propagate too, or nothing would cross it (as containerd sets it).
            if propagation == "rshared" {
                spec.linux?.rootfsPropagation = "rshared"
            } else if propagation == "rslave" && spec.linux?.rootfsPropagation != "rshared" {
                spec.linux?.rootfsPropagation = "rslave"
            }
            mounts.removeAll { $0.destination == mount.containerPath }
            mounts.append(OCISpec.Mount(destination: mount.containerPath, type: "bind", source: mount.hostPath,
                                        options: ["rbind", propagation, mount.readonly ? "ro" : "rw"]))
        }
        spec.mounts = mounts

        // Namespaces: the pod's, through the pause process.
        let security = config.linux.securityContext
        let options = security.namespaceOptions
        let pause = sandbox.status.pid
        var namespaces: [OCISpec.Namespace] = [OCISpec.Namespace(type: "mount")]
        if !sandbox.hostNetwork {
            namespaces.append(OCISpec.Namespace(type: "network", path: sandbox.status.netns))
            namespaces.append(OCISpec.Namespace(type: "uts", path: "/proc/\(pause)/ns/uts"))
        }
        if options.ipc != .node { namespaces.append(OCISpec.Namespace(type: "ipc", path: "/proc/\(pause)/ns/ipc")) }
        switch options.pid {
        case .pod: namespaces.append(OCISpec.Namespace(type: "pid", path: "/proc/\(pause)/ns/pid"))
        case .container: namespaces.append(OCISpec.Namespace(type: "pid"))
        case .node: break
        case .target:
            guard let targetPID, targetPID > 0 else {
                throw .invalidArgument("container \"\(config.metadata.name)\": pid namespace TARGET needs a running target container")
            }
            namespaces.append(OCISpec.Namespace(type: "pid", path: "/proc/\(targetPID)/ns/pid"))
        default: namespaces.append(OCISpec.Namespace(type: "pid"))
        }
        spec.linux?.namespaces = namespaces
        if options.ipc != .node { useSandboxShm(&spec, sandbox) }
        spec.linux?.cgroupsPath = cgroupsPath(parent: sandbox.config.linux.cgroupParent, id: id, namespace: namespace,
                                              systemd: systemdCgroup)

        // Security context.
        if security.privileged {
            guard sandbox.config.linux.securityContext.privileged else {
                throw .invalidArgument("container \"\(config.metadata.name)\": a privileged container needs a privileged pod sandbox")
            }
            makePrivileged(&spec, hostDevices: true)
        } else {
            let list = try capabilities(security.capabilities, container: config.metadata.name)
            spec.process?.capabilities = OCISpec.Capabilities(bounding: list, effective: list, inheritable: nil,
                                                              permitted: list, ambient: nil)
            spec.linux?.seccomp = try seccomp(security.hasSeccomp ? security.seccomp : nil, path: security.seccompProfilePath,
                                              privileged: false, unset: unsetSeccompProfile, capabilities: list,
                                              object: "container \"\(config.metadata.name)\"")
            spec.process?.apparmorProfile = try appArmorProfile(security, container: config.metadata.name)
            if !security.maskedPaths.isEmpty { spec.linux?.maskedPaths = security.maskedPaths }
            if !security.readonlyPaths.isEmpty { spec.linux?.readonlyPaths = security.readonlyPaths }
        }
        var imageGroups: [UInt32] = []
        if let user {
            spec.process?.user.uid = user.uid
            spec.process?.user.gid = user.gid
            // Strict: only the groups the request lists, not those the image's /etc/group gives.
            if security.supplementalGroupsPolicy != .strict { imageGroups = user.additionalGids }
        }
        if security.hasRunAsUser {
            guard security.runAsUser.value >= 0 else {
                throw .invalidArgument("container \"\(config.metadata.name)\": run_as_user \(security.runAsUser.value) is negative")
            }
            spec.process?.user.uid = UInt32(clamping: security.runAsUser.value)
        }
        if security.hasRunAsGroup { spec.process?.user.gid = UInt32(clamping: security.runAsGroup.value) }
        // The process's groups: its primary group first, as containerd (since 1.6.18, the fix for
        // CVE-2023-25173) and Docker set them, then the image's and the request's.
        var groups = [spec.process?.user.gid ?? 0]
        for gid in imageGroups + security.supplementalGroups.map({ UInt32(clamping: $0) }) where !groups.contains(gid) {
            groups.append(gid)
        }
        spec.process?.user.additionalGids = groups
        if !config.devices.isEmpty {
            let requested = try requestedDevices(config.devices, container: config.metadata.name)
            let paths = Set(requested.nodes.map(\.path))
            let nodes = (spec.linux?.devices ?? []).filter { !paths.contains($0.path) } + requested.nodes
            let rules = (spec.linux?.resources?.devices ?? []) + requested.rules
            spec.linux?.devices = nodes
            spec.linux?.resources?.devices = rules
        }
        spec.process?.noNewPrivileges = security.noNewPrivs
        if security.readonlyRootfs { spec.root?.readonly = true }

        try applyResources(config.linux.resources, to: &spec, restrictOOMScoreAdj: restrictOOMScoreAdj)
        spec.annotations = [
            "io.kubernetes.cri.container-type": "container",
            "io.kubernetes.cri.container-name": config.metadata.name,
            "io.kubernetes.cri.sandbox-id": sandbox.id,
            "io.kubernetes.cri.sandbox-name": sandbox.config.metadata.name,
            "io.kubernetes.cri.sandbox-namespace": sandbox.config.metadata.namespace,
            "io.kubernetes.cri.sandbox-uid": sandbox.config.metadata.uid,
            "io.kubernetes.cri.image-name": config.image.image,
        ]
        return spec
    }

    /// CPU, memory and swap limits, and on a cgroup v2 host the `unified` files (a kubelet sends
    /// them only there; a v1 host has no such files, so they are left out, as containerd leaves
    /// them); `oom_score_adj` never below the daemon's own when restricted (and never negative:
    /// lowering it needs CAP_SYS_RESOURCE).
    static func applyResources(_ resources: Runtime_V1_LinuxContainerResources, to spec: inout OCISpec,
                               restrictOOMScoreAdj: Bool,
                               layout: CgroupHierarchy.Layout = CgroupHierarchy.host.layout) throws(CtrError) {
        var linux = spec.linux?.resources ?? OCISpec.Resources()
        var cpu = linux.cpu ?? OCISpec.CPU()
        if resources.cpuShares > 0 { cpu.shares = UInt64(resources.cpuShares) }
        if resources.cpuQuota > 0 { cpu.quota = resources.cpuQuota }
        if resources.cpuPeriod > 0 { cpu.period = UInt64(resources.cpuPeriod) }
        if !resources.cpusetCpus.isEmpty { cpu.cpus = resources.cpusetCpus }
        if !resources.cpusetMems.isEmpty { cpu.mems = resources.cpusetMems }
        if cpu != OCISpec.CPU() { linux.cpu = cpu }
        if resources.memoryLimitInBytes > 0 {
            var memory = linux.memory ?? OCISpec.Memory()
            memory.limit = resources.memoryLimitInBytes
            linux.memory = memory
        }
        if resources.memorySwapLimitInBytes > 0 {
            var memory = linux.memory ?? OCISpec.Memory()
            memory.swap = resources.memorySwapLimitInBytes
            linux.memory = memory
        }
        if !resources.unified.isEmpty && layout == .unified {
            for key in resources.unified.keys where key.contains("/") || key.hasPrefix(".") || !key.contains(".") {
                throw .invalidArgument("unified resource \"\(key)\" is not a cgroup file name (controller.file)")
            }
            linux.unified = resources.unified
        }
        spec.linux?.resources = linux
        if resources.oomScoreAdj != 0 {
            guard resources.oomScoreAdj >= -1000 && resources.oomScoreAdj <= 1000 else {
                throw .invalidArgument("oom_score_adj \(resources.oomScoreAdj) is outside -1000...1000")
            }
            spec.process?.oomScoreAdj = oomScoreAdj(Int(resources.oomScoreAdj), restrict: restrictOOMScoreAdj)
        }
    }

    /// What the pause container asks for, as containerd does: almost never OOM-killed, since
    /// losing it takes the whole pod down.
    static let sandboxOOMScoreAdj = -998

    /// The `oom_score_adj` a container gets for `requested`. Restricted, it never goes below the
    /// daemon's own; and it never goes below that without CAP_SYS_RESOURCE either, since the
    /// kernel would refuse runc (a kubelet asks -997 for Guaranteed pods).
    static func oomScoreAdj(_ requested: Int, restrict: Bool, own: Int = currentOOMScoreAdj(),
                            mayLower: Bool = daemonCapabilities.contains("CAP_SYS_RESOURCE")) -> Int {
        guard requested < own else { return requested }
        return restrict || !mayLower ? own : requested
    }

    static func currentOOMScoreAdj() -> Int {
        Int(readSmallFile("/proc/self/oom_score_adj") ?? "") ?? 0
    }

    /// What a privileged container, or one that adds `ALL`, gets: the capabilities the daemon
    /// itself holds, as containerd gives (read once; they do not change while it runs).
    static let daemonCapabilities = LinuxCapabilities.current()

    /// A non-privileged container's capabilities: the default set, then `ALL` in `add` (the
    /// daemon's own) or in `drop` (none), then the named additions, then the named drops, so that
    /// "drop ALL, add NET_ADMIN" and "add ALL, drop NET_RAW" both mean what they say. Names come
    /// with or without `CAP_`, in any case; an unknown one is refused with its name. Bit order.
    static func capabilities(_ requested: Runtime_V1_Capability, container: String,
                             daemon: [String] = daemonCapabilities) throws(CtrError) -> [String] {
        func isAll(_ name: String) -> Bool { name.uppercased() == "ALL" }
        func names(_ list: [String], _ field: String) throws(CtrError) -> [String] {
            var result: [String] = []
            for name in list where !isAll(name) {
                guard let canonical = LinuxCapabilities.canonical(name) else {
                    throw .invalidArgument("container \"\(container)\": unknown capability \"\(name)\" in \(field)")
                }
                result.append(canonical)
            }
            return result
        }
        var set = Set(OCISpec.defaultCapabilities)
        if requested.addCapabilities.contains(where: isAll) { set = Set(daemon) }
        if requested.dropCapabilities.contains(where: isAll) { set = [] }
        set.formUnion(try names(requested.addCapabilities, "add_capabilities"))
        set.subtract(try names(requested.dropCapabilities, "drop_capabilities"))
        return LinuxCapabilities.known.filter(set.contains)
    }

    /// Privileged, as containerd makes it: the daemon's capabilities, nothing masked or read-only,
    /// every device allowed (and, for a container, the host's device nodes), sysfs and the cgroup
    /// hierarchy writable.
    static func makePrivileged(_ spec: inout OCISpec, hostDevices: Bool) {
        let all = daemonCapabilities
        spec.process?.capabilities = OCISpec.Capabilities(bounding: all, effective: all, inheritable: nil, permitted: all,
                                                          ambient: nil)
        spec.linux?.maskedPaths = nil
        spec.linux?.readonlyPaths = nil
        spec.linux?.resources?.devices = [OCISpec.DeviceRule(allow: true, access: "rwm")]
        if hostDevices { spec.linux?.devices = OCISpec.hostDevices() }
        spec.mounts = spec.mounts?.map { mount in
            var mount = mount
            if mount.destination == "/sys" || mount.destination == "/sys/fs/cgroup" {
                mount.options = (mount.options ?? []).filter { $0 != "ro" } + ["rw"]
            }
            return mount
        }
    }
}
