/// A mount as containerd describes one: what the kernel needs to assemble a filesystem.
public struct Mount: Sendable, Equatable, Codable {
    public var type: String
    public var source: String
    public var target: String
    public var options: [String]

    public init(type: String, source: String, target: String = "", options: [String] = []) {
        self.type = type
        self.source = source
        self.target = target
        self.options = options
    }

    /// The value of a `key=value` option, e.g. `upperdir`.
    public func option(_ key: String) -> String? {
        for option in options where option.hasPrefix(key + "=") {
            return String(option.dropFirst(key.count + 1))
        }
        return nil
    }

    public var isReadOnly: Bool { options.contains("ro") }
}

/// The three kinds of snapshot: read-only views, writable active snapshots, and committed
/// (immutable) ones that may be parents.
public enum SnapshotKind: String, Sendable, Equatable, CaseIterable {
    case view = "View"
    case active = "Active"
    case committed = "Committed"
}

/// What a snapshotter knows about one snapshot.
public struct SnapshotInfo: Sendable, Equatable {
    public var name: String
    public var parent: String
    public var kind: SnapshotKind
    public var labels: [String: String]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(name: String, parent: String = "", kind: SnapshotKind, labels: [String: String] = [:],
                createdAt: Timestamp = Timestamp(seconds: 0), updatedAt: Timestamp = Timestamp(seconds: 0)) {
        self.name = name
        self.parent = parent
        self.kind = kind
        self.labels = labels
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// Disk used by a snapshot's own layer (not its parents).
public struct SnapshotUsage: Sendable, Equatable {
    public var size: Int64
    public var inodes: Int64

    public init(size: Int64, inodes: Int64) {
        self.size = size
        self.inodes = inodes
    }
}

/// One snapshotter in one namespace, as the operations in Core (unpack, run) use it. The daemon
/// implements it in process; the client implements it over `containerd.services.snapshots.v1`.
public protocol Snapshotter: Sendable {
    func stat(_ key: String) async throws -> SnapshotInfo
    func prepare(_ key: String, parent: String, labels: [String: String]) async throws -> [Mount]
    func view(_ key: String, parent: String, labels: [String: String]) async throws -> [Mount]
    func mounts(_ key: String) async throws -> [Mount]
    func commit(_ name: String, key: String, labels: [String: String]) async throws
    func remove(_ key: String) async throws
}

/// Applies a layer to mounted snapshots (`containerd.services.diff.v1.Diff`).
public protocol Differ: Sendable {
    /// Applies the layer blob `layer` onto `mounts` and returns the descriptor of the uncompressed
    /// tar that was applied (its digest is the layer's diff ID).
    func apply(_ layer: Descriptor, mounts: [Mount]) async throws -> Descriptor
}

/// Content operations unpack needs besides reading: labelling blobs so garbage collection keeps
/// the snapshots and the uncompressed digests are known.
public protocol ContentLabeler: Sendable {
    func labels(_ digest: Digest) async throws -> [String: String]
    func setLabels(_ digest: Digest, _ labels: [String: String]) async throws
}

/// Chain IDs as the OCI image spec defines them: the first is the first diff ID, each next one is
/// `sha256(previous + " " + diffID)`. They name committed snapshots.
public enum ChainID {
    public static func compute(_ diffIDs: [Digest]) -> [Digest] {
        var chain: [Digest] = []
        for diffID in diffIDs {
            if let previous = chain.last {
                chain.append(SHA256Digest.of(Array("\(previous) \(diffID)".utf8)))
            } else {
                chain.append(diffID)
            }
        }
        return chain
    }
}
