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

    public init(namespace: String, id: String, bundle: String, socket: String, runtime: String, runtimeRoot: String) {
        self.namespace = namespace
        self.id = id
        self.bundle = bundle
        self.socket = socket
        self.runtime = runtime
        self.runtimeRoot = runtimeRoot
    }
}
