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
    var rpcServices: [any RegistrableRPCService] { [ContentGRPC(content: content)] }
    var serviceNames: [String] { [Containerd_Services_Content_V1_Content.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "content", requires: [ContentPlugin.type]) { context in
        ContentGRPCPlugin(content: try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service)
    }
}

/// `io.containerd.grpc.v1.images`.
struct ImagesGRPCPlugin: PluginInstance {
    let metadata: MetadataStore
    var rpcServices: [any RegistrableRPCService] { [ImagesGRPC(metadata: metadata)] }
    var serviceNames: [String] { [Containerd_Services_Images_V1_Images.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "images", requires: [.metadata]) { context in
        ImagesGRPCPlugin(metadata: try context.plugin(.metadata, as: MetadataPlugin.self).store)
    }
}

/// `io.containerd.grpc.v1.leases`.
struct LeasesGRPCPlugin: PluginInstance {
    let metadata: MetadataStore
    var rpcServices: [any RegistrableRPCService] { [LeasesGRPC(metadata: metadata)] }
    var serviceNames: [String] { [Containerd_Services_Leases_V1_Leases.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "leases", requires: [.metadata]) { context in
        LeasesGRPCPlugin(metadata: try context.plugin(.metadata, as: MetadataPlugin.self).store)
    }
}
