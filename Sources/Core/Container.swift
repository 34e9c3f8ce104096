/// A protobuf `Any` carried opaquely: the type URL and the encoded message.
public struct TypedValue: Sendable, Equatable {
    public var typeURL: String
    public var value: [UInt8]

    public init(typeURL: String, value: [UInt8]) {
        self.typeURL = typeURL
        self.value = value
    }
}

/// A container: metadata only (what to run and where its root filesystem comes from); a task is
/// the running process.
public struct Container: Sendable, Equatable {
    public struct Runtime: Sendable, Equatable {
        public var name: String
        public var options: TypedValue?

        public init(name: String, options: TypedValue? = nil) {
            self.name = name
            self.options = options
        }
    }

    public var id: String
    public var labels: [String: String]
    public var image: String
    public var runtime: Runtime
    public var spec: TypedValue?
    public var snapshotter: String
    public var snapshotKey: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var extensions: [String: TypedValue]

    public init(id: String, labels: [String: String] = [:], image: String = "", runtime: Runtime,
                spec: TypedValue? = nil, snapshotter: String = "", snapshotKey: String = "",
                createdAt: Timestamp = Timestamp(seconds: 0), updatedAt: Timestamp = Timestamp(seconds: 0),
                extensions: [String: TypedValue] = [:]) {
        self.id = id
        self.labels = labels
        self.image = image
        self.runtime = runtime
        self.spec = spec
        self.snapshotter = snapshotter
        self.snapshotKey = snapshotKey
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.extensions = extensions
    }
}
