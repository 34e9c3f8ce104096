public import SwiftProtobuf

/// The event messages ctr knows by type URL (containerd uses bare message names as type URLs).
public enum EventTypes {
    public static let known: [any SwiftProtobuf.Message.Type] = [
        Containerd_Services_Images_V1_ImageCreate.self,
        Containerd_Services_Images_V1_ImageUpdate.self,
        Containerd_Services_Images_V1_ImageDelete.self,
        Containerd_Events_NamespaceCreate.self,
        Containerd_Events_NamespaceUpdate.self,
        Containerd_Events_NamespaceDelete.self,
        Containerd_Events_ContentDelete.self,
        Containerd_Events_SnapshotPrepare.self,
        Containerd_Events_SnapshotCommit.self,
        Containerd_Events_SnapshotRemove.self,
        Containerd_Events_ContainerCreate.self,
        Containerd_Events_ContainerUpdate.self,
        Containerd_Events_ContainerDelete.self,
        Containerd_Events_TaskCreate.self,
        Containerd_Events_TaskStart.self,
        Containerd_Events_TaskExit.self,
        Containerd_Events_TaskDelete.self,
        Containerd_Events_TaskExecAdded.self,
        Containerd_Events_TaskExecStarted.self,
        Containerd_Events_TaskPaused.self,
        Containerd_Events_TaskResumed.self,
    ]

    /// The event as JSON, or nil when its type is unknown here.
    public static func json(_ any: Google_Protobuf_Any) -> String? {
        let name = any.typeURL.split(separator: "/").last.map(String.init) ?? any.typeURL
        guard let type = known.first(where: { $0.protoMessageName == name }),
              let message = try? type.init(serializedBytes: Array(any.value))
        else { return nil }
        return try? message.jsonString()
    }
}
