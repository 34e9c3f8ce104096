public import Core
public import Store

/// `io.containerd.metadata.v1.sqlite`: the embedded transactional metadata database that every
/// namespaced service keeps its records in.
public struct MetadataPlugin: PluginInstance {
    public let store: MetadataStore

    public var exports: [String: String] { ["path": store.database.path] }

    public static let registration = PluginRegistration(type: .metadata, id: "sqlite") { context in
        let store = try MetadataStore(path: context.root + "/meta.db")
        try store.ensureNamespace(Namespace.defaultName)
        return MetadataPlugin(store: store)
    }
}
