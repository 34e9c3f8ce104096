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
