public import Core
public import SwiftProtobuf

extension Google_Protobuf_Timestamp {
    public init(_ timestamp: Timestamp) {
        self.init(seconds: timestamp.seconds, nanos: timestamp.nanos)
    }
}

extension Timestamp {
    public init(_ message: Google_Protobuf_Timestamp) {
        self.init(seconds: message.seconds, nanos: message.nanos)
    }
}

extension Containerd_Services_Content_V1_Info {
    public init(_ info: ContentInfo) {
        self.init()
        digest = info.digest.description
        size = info.size
        createdAt = .init(info.createdAt)
        updatedAt = .init(info.updatedAt)
        labels = info.labels
    }
}

extension ContentInfo {
    public init(_ message: Containerd_Services_Content_V1_Info) throws(CtrError) {
        self.init(digest: try Digest(parsing: message.digest), size: message.size,
                  createdAt: Timestamp(message.createdAt), updatedAt: Timestamp(message.updatedAt),
                  labels: message.labels)
    }
}

extension Containerd_Services_Content_V1_Status {
    public init(_ status: IngestStatus) {
        self.init()
        ref = status.ref
        offset = status.offset
        total = status.total
        expected = status.expected?.description ?? ""
        startedAt = .init(status.startedAt)
        updatedAt = .init(status.updatedAt)
    }
}

extension IngestStatus {
    public init(_ message: Containerd_Services_Content_V1_Status) {
        self.init(ref: message.ref, offset: message.offset, total: message.total,
                  expected: try? Digest(parsing: message.expected), startedAt: Timestamp(message.startedAt),
                  updatedAt: Timestamp(message.updatedAt))
    }
}

extension Containerd_Types_Descriptor {
    public init(_ descriptor: Descriptor) {
        self.init()
        mediaType = descriptor.mediaType
        digest = descriptor.digest.description
        size = descriptor.size
        annotations = descriptor.annotations
    }
}

extension Descriptor {
    public init(_ message: Containerd_Types_Descriptor) throws(CtrError) {
        self.init(mediaType: message.mediaType, digest: try Digest(parsing: message.digest), size: message.size,
                  annotations: message.annotations)
    }
}

extension Containerd_Services_Images_V1_Image {
    public init(_ image: Image) {
        self.init()
        name = image.name
        target = .init(image.target)
        labels = image.labels
        createdAt = .init(image.createdAt)
        updatedAt = .init(image.updatedAt)
    }
}

extension Image {
    public init(_ message: Containerd_Services_Images_V1_Image) throws(CtrError) {
        guard message.hasTarget else { throw .invalidArgument("image \"\(message.name)\": target is required") }
        self.init(name: message.name, target: try Descriptor(message.target), labels: message.labels,
                  createdAt: Timestamp(message.createdAt), updatedAt: Timestamp(message.updatedAt))
    }
}

extension Containerd_Services_Leases_V1_Lease {
    public init(_ lease: Lease) {
        self.init()
        id = lease.id
        createdAt = .init(lease.createdAt)
        labels = lease.labels
    }
}

extension Lease {
    public init(_ message: Containerd_Services_Leases_V1_Lease) {
        self.init(id: message.id, createdAt: Timestamp(message.createdAt), labels: message.labels)
    }
}
