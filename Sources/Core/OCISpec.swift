/// The OCI runtime spec (runtime-spec 1.0), as much of it as ctr writes; encoded with Codable
/// under the spec's own key names. Fields ctr does not know are never round-tripped: the daemon
/// hands a client's spec to runc byte for byte.
public struct OCISpec: Codable, Sendable, Equatable {
    public var ociVersion: String = "1.0.2-dev"
    public var process: Process?
    public var root: Root?
    public var hostname: String?
    public var mounts: [Mount]?
    public var annotations: [String: String]?
    public var linux: Linux?

    public struct Process: Codable, Sendable, Equatable {
        public var terminal: Bool?
        public var user: User
        public var args: [String]
        public var env: [String]?
        public var cwd: String
        public var capabilities: Capabilities?
        public var rlimits: [Rlimit]?
        public var noNewPrivileges: Bool?
        public var oomScoreAdj: Int?
        public var apparmorProfile: String?
    }

    public struct User: Codable, Sendable, Equatable {
        public var uid: UInt32
        public var gid: UInt32
        public var umask: UInt32?
        public var additionalGids: [UInt32]?
    }

    public struct Capabilities: Codable, Sendable, Equatable {
        public var bounding: [String]?
        public var effective: [String]?
        public var inheritable: [String]?
        public var permitted: [String]?
        public var ambient: [String]?

        public init(bounding: [String]?, effective: [String]?, inheritable: [String]?, permitted: [String]?,
                    ambient: [String]?) {
            self.bounding = bounding
            self.effective = effective
            self.inheritable = inheritable
            self.permitted = permitted
            self.ambient = ambient
        }
    }

    public struct Rlimit: Codable, Sendable, Equatable {
        public var type: String
        public var hard: UInt64
        public var soft: UInt64
    }

    public struct Root: Codable, Sendable, Equatable {
        public var path: String
        public var readonly: Bool?
    }

    public struct Mount: Codable, Sendable, Equatable {
        public var destination: String
        public var type: String?
        public var source: String?
        public var options: [String]?

        public init(destination: String, type: String?, source: String?, options: [String]?) {
            self.destination = destination
            self.type = type
            self.source = source
            self.options = options
        }
    }

    public struct Linux: Codable, Sendable, Equatable {
        public var sysctl: [String: String]?
        public var resources: Resources?
        public var cgroupsPath: String?
        public var namespaces: [Namespace]?
        public var maskedPaths: [String]?
        public var readonlyPaths: [String]?
        public var devices: [Device]?
        public var seccomp: Seccomp?
        public var rootfsPropagation: String?
    }

    public struct Namespace: Codable, Sendable, Equatable {
        public var type: String
        public var path: String?

        public init(type: String, path: String? = nil) {
            self.type = type
            self.path = path
        }
    }

    public struct Resources: Codable, Sendable, Equatable {
        public var devices: [DeviceRule]?
        public var memory: Memory?
        public var cpu: CPU?
        public var pids: Pids?
        /// cgroup v2 files and their values, written as given (CRI's `unified`).
        public var unified: [String: String]?

        public init(devices: [DeviceRule]? = nil, memory: Memory? = nil, cpu: CPU? = nil, pids: Pids? = nil,
                    unified: [String: String]? = nil) {
            self.devices = devices
            self.memory = memory
            self.cpu = cpu
            self.pids = pids
            self.unified = unified
        }
    }

    public struct DeviceRule: Codable, Sendable, Equatable {
        public var allow: Bool
        public var type: String?
        public var major: Int64?
        public var minor: Int64?
        public var access: String?

        public init(allow: Bool, type: String? = nil, major: Int64? = nil, minor: Int64? = nil, access: String? = nil) {
            self.allow = allow
            self.type = type
            self.major = major
            self.minor = minor
            self.access = access
        }
    }

    public struct Memory: Codable, Sendable, Equatable {
        public var limit: Int64?
        public var reservation: Int64?
        public var swap: Int64?

        public init(limit: Int64? = nil, reservation: Int64? = nil, swap: Int64? = nil) {
            self.limit = limit
            self.reservation = reservation
            self.swap = swap
        }
    }

    public struct CPU: Codable, Sendable, Equatable {
        public var shares: UInt64?
        public var quota: Int64?
        public var period: UInt64?
        public var cpus: String?
        public var mems: String?

        public init(shares: UInt64? = nil, quota: Int64? = nil, period: UInt64? = nil, cpus: String? = nil, mems: String? = nil) {
            self.shares = shares
            self.quota = quota
            self.period = period
            self.cpus = cpus
            self.mems = mems
        }
    }

    public struct Pids: Codable, Sendable, Equatable {
        public var limit: Int64
    }

    /// The type URL containerd gives a spec carried in an Any.
    public static let typeURL = "types.containerd.io/opencontainers/runtime-spec/1/Spec"
    /// The type URL of a process spec (exec).
    public static let processTypeURL = "types.containerd.io/opencontainers/runtime-spec/1/Process"

    public static let defaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// Capabilities a container gets by default (containerd's and Docker's list).
    public static let defaultCapabilities = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
        "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
        "CAP_AUDIT_WRITE",
    ]

    /// containerd's default spec for a container `id` in `namespace`: pid, ipc, uts, mount and
    /// network namespaces, the standard mounts, default capabilities, masked and read-only /proc
    /// and /sys paths, all devices denied, cgroup `/<namespace>/<id>`.
    public static func defaultSpec(id: String, namespace: String) -> OCISpec {
        let capabilities = Capabilities(bounding: defaultCapabilities, effective: defaultCapabilities, inheritable: nil,
                                        permitted: defaultCapabilities, ambient: nil)
        return OCISpec(
            process: Process(terminal: false, user: User(uid: 0, gid: 0), args: ["/bin/sh"], env: [defaultPath],
                             cwd: "/", capabilities: capabilities,
                             rlimits: [Rlimit(type: "RLIMIT_NOFILE", hard: 1024, soft: 1024)], noNewPrivileges: true),
            root: Root(path: "rootfs"),
            mounts: [
                Mount(destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"]),
                Mount(destination: "/dev", type: "tmpfs", source: "tmpfs",
                      options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
                Mount(destination: "/dev/pts", type: "devpts", source: "devpts",
                      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
                Mount(destination: "/dev/shm", type: "tmpfs", source: "shm",
                      options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]),
                Mount(destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]),
                Mount(destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]),
                Mount(destination: "/run", type: "tmpfs", source: "tmpfs",
                      options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            ],
            linux: Linux(
                resources: Resources(devices: [DeviceRule(allow: false, access: "rwm")]),
                cgroupsPath: "/\(namespace)/\(id)",
                namespaces: ["pid", "ipc", "uts", "mount", "network"].map { Namespace(type: $0) },
                maskedPaths: ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                              "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                              "/proc/scsi"],
                readonlyPaths: ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]))
    }

    /// Takes the entrypoint, command, environment, working directory and user from an image
    /// config (`config` object of the OCI image config). `args` replaces the image's command.
    public mutating func apply(imageConfig: JSONValue?, args: [String]) {
        var entrypoint: [String] = []
        var command: [String] = []
        if case .array(let items)? = imageConfig?["Entrypoint"] { entrypoint = items.compactMap(\.stringValue) }
        if case .array(let items)? = imageConfig?["Cmd"] { command = items.compactMap(\.stringValue) }
        let chosen = entrypoint + (args.isEmpty ? command : args)
        if !chosen.isEmpty { process?.args = chosen }
        if case .array(let items)? = imageConfig?["Env"] {
            let env = items.compactMap(\.stringValue)
            if !env.isEmpty {
                var merged = env
                if !env.contains(where: { $0.hasPrefix("PATH=") }) { merged.insert(Self.defaultPath, at: 0) }
                process?.env = merged
            }
        }
        if case .string(let cwd)? = imageConfig?["WorkingDir"], !cwd.isEmpty { process?.cwd = cwd }
        if case .string(let user)? = imageConfig?["User"], !user.isEmpty {
            let parts = user.split(separator: ":", maxSplits: 1)
            if let uid = UInt32(parts[0]) {
                process?.user.uid = uid
                process?.user.gid = parts.count > 1 ? UInt32(parts[1]) ?? 0 : 0
            }
        }
    }
}

extension JSONValue {
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }
}
