public import Core
public import SwiftProtobuf
import FoundationEssentials

extension Containerd_Types_Mount {
    public init(_ mount: Mount) {
        self.init()
        type = mount.type
        source = mount.source
        target = mount.target
        options = mount.options
    }
}

extension Mount {
    public init(_ message: Containerd_Types_Mount) {
        self.init(type: message.type, source: message.source, target: message.target, options: message.options)
    }
}

extension Containerd_Services_Snapshots_V1_Kind {
    public init(_ kind: SnapshotKind) {
        switch kind {
        case .view: self = .view
        case .active: self = .active
        case .committed: self = .committed
        }
    }
}

extension Containerd_Services_Snapshots_V1_Info {
    public init(_ info: SnapshotInfo) {
        self.init()
        name = info.name
        parent = info.parent
        kind = .init(info.kind)
        createdAt = .init(info.createdAt)
        updatedAt = .init(info.updatedAt)
        labels = info.labels
    }
}

extension SnapshotInfo {
    public init(_ message: Containerd_Services_Snapshots_V1_Info) {
        let kind: SnapshotKind
        switch message.kind {
        case .view: kind = .view
        case .committed: kind = .committed
        default: kind = .active
        }
        self.init(name: message.name, parent: message.parent, kind: kind, labels: message.labels,
                  createdAt: Timestamp(message.createdAt), updatedAt: Timestamp(message.updatedAt))
    }
}

extension Google_Protobuf_Any {
    public init(_ value: TypedValue) {
        self.init()
        typeURL = value.typeURL
        self.value = Data(value.value)
    }
}

extension TypedValue {
    public init(_ message: Google_Protobuf_Any) {
        self.init(typeURL: message.typeURL, value: Array(message.value))
    }
}

extension Containerd_Services_Containers_V1_Container {
    public init(_ container: Container) {
        self.init()
        id = container.id
        labels = container.labels
        image = container.image
        runtime = .with {
            $0.name = container.runtime.name
            if let options = container.runtime.options { $0.options = .init(options) }
        }
        if let spec = container.spec { self.spec = .init(spec) }
        snapshotter = container.snapshotter
        snapshotKey = container.snapshotKey
        createdAt = .init(container.createdAt)
        updatedAt = .init(container.updatedAt)
        extensions = container.extensions.mapValues { .init($0) }
    }
}

extension Container {
    public init(_ message: Containerd_Services_Containers_V1_Container) {
        self.init(id: message.id, labels: message.labels, image: message.image,
                  runtime: .init(name: message.runtime.name,
                                 options: message.runtime.hasOptions ? TypedValue(message.runtime.options) : nil),
                  spec: message.hasSpec ? TypedValue(message.spec) : nil, snapshotter: message.snapshotter,
                  snapshotKey: message.snapshotKey, createdAt: Timestamp(message.createdAt),
                  updatedAt: Timestamp(message.updatedAt), extensions: message.extensions.mapValues { TypedValue($0) })
    }
}
