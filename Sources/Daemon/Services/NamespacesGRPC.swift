import API
import Core
import GRPCCore
import Store
import SwiftProtobuf

/// `containerd.services.namespaces.v1.Namespaces` over the metadata store.
struct NamespacesGRPC: Containerd_Services_Namespaces_V1_Namespaces.SimpleServiceProtocol {
    let store: MetadataStore
    let events: EventExchange

    func get(request: Containerd_Services_Namespaces_V1_GetNamespaceRequest, context: ServerContext) async throws
        -> Containerd_Services_Namespaces_V1_GetNamespaceResponse
    {
        let namespace = try store.namespace(request.name)
        return .with { $0.namespace = .init(namespace) }
    }

    func list(request: Containerd_Services_Namespaces_V1_ListNamespacesRequest, context: ServerContext) async throws
        -> Containerd_Services_Namespaces_V1_ListNamespacesResponse
    {
        let namespaces = try store.namespaces()
        return .with { $0.namespaces = namespaces.map { .init($0) } }
    }

    func create(request: Containerd_Services_Namespaces_V1_CreateNamespaceRequest, context: ServerContext) async throws
        -> Containerd_Services_Namespaces_V1_CreateNamespaceResponse
    {
        let namespace = Namespace(request.namespace)
        try store.createNamespace(namespace)
        events.publish(namespace: try RequestNamespace.current(), topic: EventTopic.namespaceCreate, event: Containerd_Events_NamespaceCreate.with {
            $0.name = namespace.name
            $0.labels = namespace.labels
        })
        return .with { $0.namespace = .init(namespace) }
    }

    func update(request: Containerd_Services_Namespaces_V1_UpdateNamespaceRequest, context: ServerContext) async throws
        -> Containerd_Services_Namespaces_V1_UpdateNamespaceResponse
    {
        let updated = try store.updateNamespace(Namespace(request.namespace), paths: request.updateMask.paths)
        events.publish(namespace: try RequestNamespace.current(), topic: EventTopic.namespaceUpdate, event: Containerd_Events_NamespaceUpdate.with {
            $0.name = updated.name
            $0.labels = updated.labels
        })
        return .with { $0.namespace = .init(updated) }
    }

    func delete(request: Containerd_Services_Namespaces_V1_DeleteNamespaceRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try store.deleteNamespace(request.name)
        events.publish(namespace: try RequestNamespace.current(), topic: EventTopic.namespaceDelete,
                       event: Containerd_Events_NamespaceDelete.with { $0.name = request.name })
        return Google_Protobuf_Empty()
    }
}

struct NamespacesPlugin: PluginInstance {
    var serviceNames: [String] { [Containerd_Services_Namespaces_V1_Namespaces.descriptor.fullyQualifiedService] }
    let store: MetadataStore
    let events: EventExchange
    var rpcServices: [any RegistrableRPCService] { [NamespacesGRPC(store: store, events: events)] }

    static let registration = PluginRegistration(type: .grpc, id: "namespaces", requires: [.metadata]) { context in
        NamespacesPlugin(store: try context.plugin(.metadata, as: MetadataPlugin.self).store, events: context.events)
    }
}
