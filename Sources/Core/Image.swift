/// An OCI descriptor: what a reference points at.
public struct Descriptor: Sendable, Equatable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var annotations: [String: String]

    public init(mediaType: String, digest: Digest, size: Int64, annotations: [String: String] = [:]) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.annotations = annotations
    }
}

extension Descriptor {
    /// A descriptor as an index or manifest lists it (`mediaType`, `digest`, `size`); `context`
    /// names the operation and image in the error.
    public init(json entry: JSONValue, context: String) throws(CtrError) {
        guard case .string(let mediaType)? = entry["mediaType"], case .string(let digest)? = entry["digest"],
              case .integer(let size)? = entry["size"], size >= 0
        else { throw .invalidArgument("\(context): malformed descriptor in manifest") }
        self.init(mediaType: mediaType, digest: try Digest(parsing: digest), size: size)
    }
}

/// A named image in a namespace: a name bound to a target descriptor, with labels.
public struct Image: Sendable, Equatable {
    public var name: String
    public var target: Descriptor
    public var labels: [String: String]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(name: String, target: Descriptor, labels: [String: String] = [:],
                createdAt: Timestamp = Timestamp(seconds: 0), updatedAt: Timestamp = Timestamp(seconds: 0)) {
        self.name = name
        self.target = target
        self.labels = labels
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A lease: keeps the resources it names from garbage collection until it is deleted or expires.
public struct Lease: Sendable, Equatable {
    public var id: String
    public var createdAt: Timestamp
    public var labels: [String: String]

    public init(id: String, createdAt: Timestamp, labels: [String: String] = [:]) {
        self.id = id
        self.createdAt = createdAt
        self.labels = labels
    }
}

/// A resource held by a lease (`type` is e.g. "content", "ingests", "snapshots/overlayfs").
public struct LeaseResource: Sendable, Hashable {
    public var id: String
    public var type: String

    public init(id: String, type: String) {
        self.id = id
        self.type = type
    }
}
