/// A blob in a namespace's view of the content store.
public struct ContentInfo: Sendable, Equatable {
    public var digest: Digest
    public var size: Int64
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var labels: [String: String]

    public init(digest: Digest, size: Int64, createdAt: Timestamp, updatedAt: Timestamp, labels: [String: String] = [:]) {
        self.digest = digest
        self.size = size
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.labels = labels
    }
}

/// An ingest in progress: bytes written so far under a client-chosen `ref`.
public struct IngestStatus: Sendable, Equatable {
    public var ref: String
    public var offset: Int64
    public var total: Int64
    public var expected: Digest?
    public var startedAt: Timestamp
    public var updatedAt: Timestamp

    public init(ref: String, offset: Int64, total: Int64, expected: Digest?, startedAt: Timestamp, updatedAt: Timestamp) {
        self.ref = ref
        self.offset = offset
        self.total = total
        self.expected = expected
        self.startedAt = startedAt
        self.updatedAt = updatedAt
    }
}

/// Well-known labels.
public enum WellKnownLabels {
    /// Keeps an object alive through garbage collection.
    public static let gcRoot = "containerd.io/gc.root"
    /// Prefix of labels that make content reference other content (`…content.m.0 = sha256:…`).
    public static let gcRefContent = "containerd.io/gc.ref.content"
    /// When a lease expires (RFC 3339).
    public static let gcExpire = "containerd.io/gc.expire"
    /// On content or snapshots: `containerd.io/gc.ref.snapshot.<snapshotter>` holds a snapshot.
    public static let gcRefSnapshot = "containerd.io/gc.ref.snapshot."
    /// On layer blobs: the digest of the uncompressed tar (the diff ID).
    public static let uncompressed = "containerd.io/uncompressed"
}
