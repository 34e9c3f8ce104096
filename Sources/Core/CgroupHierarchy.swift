import Glibc

/// The host's cgroup file system: which layout it has (one hierarchy per controller, as cgroup v1
/// and the hybrid layout mount it, or the single unified cgroup v2 hierarchy), where the cgroup
/// of an OCI `cgroupsPath` lives in it, and the few files every layout answers differently.
/// The layout is detected from what is mounted at the root, never configured.
public struct CgroupHierarchy: Sendable, Equatable {
    public enum Layout: String, Sendable {
        /// Controllers in hierarchies of their own (`/sys/fs/cgroup/memory/...`); the hybrid
        /// layout (v1 controllers, an empty v2 hierarchy at `unified`) counts as v1.
        case v1
        /// One cgroup v2 hierarchy at the root.
        case unified
    }

    public let root: String
    public let layout: Layout

    /// `/sys/fs/cgroup`, detected once.
    public static let host = CgroupHierarchy(root: "/sys/fs/cgroup")

    public init(root: String) {
        self.root = root
        self.layout = Self.detect(root)
    }

    /// A cgroup v2 hierarchy mounted at the root has `cgroup.controllers` there; v1 and hybrid
    /// hosts mount a tmpfs at the root with a directory per hierarchy (hybrid's v2 one at
    /// `unified`).
    static func detect(_ root: String) -> Layout {
        access(root + "/cgroup.controllers", F_OK) == 0 ? .unified : .v1
    }

    /// The cgroup of an OCI `cgroupsPath`, relative to a hierarchy's root. A path is taken as it
    /// is; runc's systemd form `slice:prefix:name` is the scope `prefix-name.scope` inside the
    /// slice, whose parents are the slice name's dash-separated prefixes:
    /// `kubepods-besteffort-pod1.slice:cri-containerd:abc` lives at
    /// `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/cri-containerd-abc.scope`.
    public static func relativePath(_ cgroupsPath: String) -> String {
        guard let systemd = SystemdCgroupPath(cgroupsPath) else {
            return cgroupsPath.hasPrefix("/") ? cgroupsPath : "/" + cgroupsPath
        }
        let unit = systemd.name.hasSuffix(".slice") ? systemd.name : systemd.prefix + "-" + systemd.name + ".scope"
        let parent = expandSlice(systemd.slice.isEmpty ? "system.slice" : systemd.slice)
        return (parent == "/" ? "" : parent) + "/" + unit
    }

    /// `a-b-c.slice` is `/a.slice/a-b.slice/a-b-c.slice`; `-.slice`, the root slice, is `/`.
    public static func expandSlice(_ slice: String) -> String {
        guard slice.hasSuffix(".slice"), slice != "-.slice" else { return "/" }
        let name = slice.dropLast(".slice".count)
        var path = ""
        var prefix = ""
        for part in name.split(separator: "-", omittingEmptySubsequences: false) {
            prefix = prefix.isEmpty ? String(part) : prefix + "-" + part
            path += "/" + prefix + ".slice"
        }
        return path
    }

    /// The directory holding `controller`'s files of the cgroup (v1: below the controller's
    /// hierarchy; unified: one directory for all).
    public func directory(_ cgroupsPath: String, controller: String) -> String {
        let relative = Self.relativePath(cgroupsPath)
        return layout == .unified ? root + relative : root + "/" + controller + relative
    }

    /// How many processes of the cgroup the kernel's OOM killer killed: `oom_kill` of
    /// `memory.events` (unified) or `memory.oom_control` (v1). nil when the cgroup is gone.
    public func oomKills(_ cgroupsPath: String) -> UInt64? {
        oomKills(inDirectory: directory(cgroupsPath, controller: "memory"))
    }

    /// The same for a memory cgroup's directory (a parent's counts its children's kills too).
    public func oomKills(inDirectory directory: String) -> UInt64? {
        let file = layout == .unified ? "/memory.events" : "/memory.oom_control"
        guard let text = readTextFile(directory + file) else { return nil }
        return Self.keyedValues(text)["oom_kill"] ?? 0
    }

    /// The file whose changes announce a new OOM kill (unified only: `memory.events` is
    /// modified when its counters move; v1's `memory.oom_control` is not).
    public func oomEventsFile(_ cgroupsPath: String) -> String? {
        layout == .unified ? directory(cgroupsPath, controller: "memory") + "/memory.events" : nil
    }

    /// `key value` lines (memory.stat, cpu.stat, memory.events, ...).
    public static func keyedValues(_ text: String) -> [String: UInt64] {
        var values: [String: UInt64] = [:]
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let value = UInt64(fields[1]) { values[String(fields[0])] = value }
        }
        return values
    }
}

/// runc's systemd cgroups path, `slice:prefix:name`.
public struct SystemdCgroupPath: Sendable, Equatable {
    public var slice: String
    public var prefix: String
    public var name: String

    public init(slice: String, prefix: String, name: String) {
        self.slice = slice
        self.prefix = prefix
        self.name = name
    }

    /// nil when `path` is not in the systemd form (a plain path, or not three fields).
    public init?(_ path: String) {
        let fields = path.split(separator: ":", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), fields.count == 3 else { return nil }
        self.init(slice: String(fields[0]), prefix: String(fields[1]), name: String(fields[2]))
    }
}
