import API
import Core
import GRPCCore
import Store
import SwiftProtobuf

/// `containerd.services.leases.v1.Leases` over the metadata store.
struct LeasesGRPC: Containerd_Services_Leases_V1_Leases.SimpleServiceProtocol {
    let content: ContentService
    var metadata: MetadataStore { content.metadata }

    func create(request: Containerd_Services_Leases_V1_CreateRequest, context: ServerContext) async throws
        -> Containerd_Services_Leases_V1_CreateResponse
    {
        let lease = try metadata.createLease(try RequestNamespace.current(),
                                             Lease(id: request.id, createdAt: .now, labels: request.labels))
        return .with { $0.lease = .init(lease) }
    }

    func delete(request: Containerd_Services_Leases_V1_DeleteRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try metadata.deleteLease(try RequestNamespace.current(), request.id)
        if request.sync {
            try content.collectGarbage()
        } else {
            content.scheduleCollection()
        }
        return Google_Protobuf_Empty()
    }

    func list(request: Containerd_Services_Leases_V1_ListRequest, context: ServerContext) async throws
        -> Containerd_Services_Leases_V1_ListResponse
    {
        let filters = try Filter.parseAll(request.filters)
        let leases = try metadata.leases(try RequestNamespace.current()).filter { lease in
            Filter.any(filters) { path in
                switch path.first {
                case "id": return lease.id
                case "labels": return path.count >= 2 ? lease.labels[path[1...].joined(separator: ".")] : nil
                default: return nil
                }
            }
        }
        return .with { $0.leases = leases.map { .init($0) } }
    }

    func addResource(request: Containerd_Services_Leases_V1_AddResourceRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try metadata.addLeaseResource(try RequestNamespace.current(), lease: request.id,
                                      LeaseResource(id: request.resource.id, type: request.resource.type))
        return Google_Protobuf_Empty()
    }

    func deleteResource(request: Containerd_Services_Leases_V1_DeleteResourceRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try metadata.deleteLeaseResource(try RequestNamespace.current(), lease: request.id,
                                         LeaseResource(id: request.resource.id, type: request.resource.type))
        return Google_Protobuf_Empty()
    }

    func listResources(request: Containerd_Services_Leases_V1_ListResourcesRequest, context: ServerContext) async throws
        -> Containerd_Services_Leases_V1_ListResourcesResponse
    {
        let resources = try metadata.leaseResources(try RequestNamespace.current(), lease: request.id)
        return .with { $0.resources = resources.map { resource in .with { $0.id = resource.id; $0.type = resource.type } } }
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
