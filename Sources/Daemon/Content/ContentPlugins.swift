import API
import Core
import GRPCCore
import Store

/// `io.containerd.content.v1.content`: blobs under the plugin's root, records in the metadata store.
public struct ContentPlugin: PluginInstance {
    public let service: ContentService
    public var exports: [String: String] { ["root": service.blobs.root] }

    static let type = PluginType("io.containerd.content.v1")

    static let registration = PluginRegistration(type: type, id: "content", requires: [.metadata]) { context in
        let metadata = try context.plugin(.metadata, as: MetadataPlugin.self).store
        return ContentPlugin(service: try ContentService(root: context.root, metadata: metadata))
    }
}

/// `io.containerd.grpc.v1.content`.
struct ContentGRPCPlugin: PluginInstance {
    let content: ContentService
    let events: EventExchange
    var rpcServices: [any RegistrableRPCService] { [ContentGRPC(content: content, events: events)] }
    var serviceNames: [String] { [Containerd_Services_Content_V1_Content.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "content", requires: [ContentPlugin.type]) { context in
        ContentGRPCPlugin(content: try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service,
                          events: context.events)
    }
}

/// `io.containerd.grpc.v1.images`.
struct ImagesGRPCPlugin: PluginInstance {
    let content: ContentService
    let events: EventExchange
    var rpcServices: [any RegistrableRPCService] { [ImagesGRPC(content: content, events: events)] }
    var serviceNames: [String] { [Containerd_Services_Images_V1_Images.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "images", requires: [ContentPlugin.type]) { context in
        ImagesGRPCPlugin(content: try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service,
                         events: context.events)
    }
}

/// `io.containerd.grpc.v1.leases`.
struct LeasesGRPCPlugin: PluginInstance {
    let content: ContentService
    var rpcServices: [any RegistrableRPCService] { [LeasesGRPC(content: content)] }
    var serviceNames: [String] { [Containerd_Services_Leases_V1_Leases.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "leases", requires: [ContentPlugin.type]) { context in
        LeasesGRPCPlugin(content: try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service)
    }
}
