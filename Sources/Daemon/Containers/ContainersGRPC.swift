import API
import Core
import GRPCCore
import Store
import SwiftProtobuf

/// `containerd.services.containers.v1.Containers` over the metadata store.
struct ContainersGRPC: Containerd_Services_Containers_V1_Containers.SimpleServiceProtocol {
    let content: ContentService
    let events: EventExchange
    var metadata: MetadataStore { content.metadata }

    func get(request: Containerd_Services_Containers_V1_GetContainerRequest, context: ServerContext) async throws
        -> Containerd_Services_Containers_V1_GetContainerResponse
    {
        let container = try metadata.container(try RequestNamespace.current(), request.id)
        return .with { $0.container = .init(container) }
    }

    func list(request: Containerd_Services_Containers_V1_ListContainersRequest, context: ServerContext) async throws
        -> Containerd_Services_Containers_V1_ListContainersResponse
    {
        let containers = try filtered(request.filters)
        return .with { $0.containers = containers.map { .init($0) } }
    }

    func listStream(request: Containerd_Services_Containers_V1_ListContainersRequest,
                    response: RPCWriter<Containerd_Services_Containers_V1_ListContainerMessage>,
                    context: ServerContext) async throws {
        for container in try filtered(request.filters) {
            try await response.write(.with { $0.container = .init(container) })
        }
    }

    private func filtered(_ filters: [String]) throws -> [Container] {
        let parsed = try Filter.parseAll(filters)
        return try metadata.containers(try RequestNamespace.current()).filter { container in
            Filter.any(parsed) { path in Self.field(container, path) }
        }
    }

    /// Filter fields, as containerd's container adaptor names them.
    static func field(_ container: Container, _ path: [String]) -> String? {
        switch path.first {
        case "id": return container.id
        case "image": return container.image
        case "runtime":
            return path.dropFirst().first == "name" ? container.runtime.name : nil
        case "snapshotter": return container.snapshotter
        case "labels": return path.count >= 2 ? container.labels[path[1...].joined(separator: ".")] : nil
        default: return nil
        }
    }

    func create(request: Containerd_Services_Containers_V1_CreateContainerRequest, context: ServerContext) async throws
        -> Containerd_Services_Containers_V1_CreateContainerResponse
    {
        let namespace = try RequestNamespace.current()
        let created = try metadata.createContainer(namespace, Container(request.container))
        events.publish(namespace: namespace, topic: EventTopic.containerCreate, event: Containerd_Events_ContainerCreate.with {
            $0.id = created.id
            $0.image = created.image
            $0.runtime = .with {
                $0.name = created.runtime.name
                if let options = created.runtime.options { $0.options = .init(options) }
            }
        })
        return .with { $0.container = .init(created) }
    }

    func update(request: Containerd_Services_Containers_V1_UpdateContainerRequest, context: ServerContext) async throws
        -> Containerd_Services_Containers_V1_UpdateContainerResponse
    {
        let namespace = try RequestNamespace.current()
        let updated = try metadata.updateContainer(namespace, Container(request.container), paths: request.updateMask.paths)
        events.publish(namespace: namespace, topic: EventTopic.containerUpdate, event: Containerd_Events_ContainerUpdate.with {
            $0.id = updated.id
            $0.image = updated.image
            $0.labels = updated.labels
            $0.snapshotKey = updated.snapshotKey
        })
        return .with { $0.container = .init(updated) }
    }

    func delete(request: Containerd_Services_Containers_V1_DeleteContainerRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        let namespace = try RequestNamespace.current()
        try metadata.deleteContainer(namespace, request.id)
        events.publish(namespace: namespace, topic: EventTopic.containerDelete,
                       event: Containerd_Events_ContainerDelete.with { $0.id = request.id })
        content.scheduleCollection()
        return Google_Protobuf_Empty()
    }
}

/// `io.containerd.grpc.v1.containers`.
struct ContainersGRPCPlugin: PluginInstance {
    let content: ContentService
    let events: EventExchange
    var rpcServices: [any RegistrableRPCService] { [ContainersGRPC(content: content, events: events)] }
    var serviceNames: [String] { [Containerd_Services_Containers_V1_Containers.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "containers", requires: [ContentPlugin.type]) { context in
        ContainersGRPCPlugin(content: try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service,
                             events: context.events)
    }
}
