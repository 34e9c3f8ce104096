import Core

/// Where a shim keeps what it serves.
public struct ShimOptions: Sendable {
    public var namespace: String
    public var id: String
    /// The bundle: `config.json`, `rootfs`, pid and exit files, runc's log.
    public var bundle: String
    /// The control socket.
    public var socket: String
    /// The OCI runtime binary (runc).
    public var runtime: String
    /// runc's `--root` (its state directory).
    public var runtimeRoot: String
    /// runc's systemd cgroup driver (`--systemd-cgroup`): the spec's `cgroupsPath` is
    /// `slice:prefix:name` and systemd makes the cgroup.
    public var systemdCgroup: Bool

    public init(namespace: String, id: String, bundle: String, socket: String, runtime: String, runtimeRoot: String,
                systemdCgroup: Bool = false) {
        self.namespace = namespace
        self.id = id
        self.bundle = bundle
        self.socket = socket
        self.runtime = runtime
        self.runtimeRoot = runtimeRoot
        self.systemdCgroup = systemdCgroup
    }

    /// The file in a bundle that records an OOM kill in the container's cgroup, for the daemon to
    /// read once the container has exited: with the systemd cgroup driver the scope, and its
    /// `memory.events`, may be gone by the time the daemon looks, so the shim keeps the fact.
    public static func oomRecord(bundle: String) -> String { bundle + "/oom-killed" }

    /// The OCI `cgroupsPath` in a bundle's spec (a path, or runc's systemd `slice:prefix:name`);
    /// nil when the spec has none.
    public static func cgroupsPath(bundle: String) -> String? {
        guard let text = readTextFile(bundle + "/config.json"), let spec = try? JSONValue.parse(text),
              let path = spec["linux"]?["cgroupsPath"]?.stringValue, !path.isEmpty
        else { return nil }
        return path
    }
}
