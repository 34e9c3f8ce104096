import API
import Core
import GRPCCore
import Snapshots
import SwiftProtobuf

/// `containerd.services.snapshots.v1.Snapshots` over the loaded snapshotters.
struct SnapshotsGRPC: Containerd_Services_Snapshots_V1_Snapshots.SimpleServiceProtocol {
    let snapshotters: [String: LocalSnapshotter]
    let content: ContentService
    let events: EventExchange

    func snapshotter(_ name: String) throws(CtrError) -> LocalSnapshotter {
        guard let snapshotter = snapshotters[name] else {
            throw .invalidArgument("snapshotter \"\(name)\" is not loaded (loaded: \(snapshotters.keys.sorted().joined(separator: ", ")))")
        }
        return snapshotter
    }

    func prepare(request: Containerd_Services_Snapshots_V1_PrepareSnapshotRequest, context: ServerContext) async throws
        -> Containerd_Services_Snapshots_V1_PrepareSnapshotResponse
    {
        let namespace = try RequestNamespace.current()
        let mounts = try snapshotter(request.snapshotter).prepare(namespace, key: request.key, parent: request.parent,
                                                                  labels: request.labels, lease: RequestLease.id)
        events.publish(namespace: namespace, topic: EventTopic.snapshotPrepare, event: Containerd_Events_SnapshotPrepare.with {
            $0.key = request.key
            $0.parent = request.parent
        })
        return .with { $0.mounts = mounts.map { .init($0) } }
    }

    func view(request: Containerd_Services_Snapshots_V1_ViewSnapshotRequest, context: ServerContext) async throws
        -> Containerd_Services_Snapshots_V1_ViewSnapshotResponse
    {
        let mounts = try snapshotter(request.snapshotter).view(try RequestNamespace.current(), key: request.key,
                                                               parent: request.parent, labels: request.labels,
                                                               lease: RequestLease.id)
        return .with { $0.mounts = mounts.map { .init($0) } }
    }

    func mounts(request: Containerd_Services_Snapshots_V1_MountsRequest, context: ServerContext) async throws
        -> Containerd_Services_Snapshots_V1_MountsResponse
    {
        let mounts = try snapshotter(request.snapshotter).mounts(try RequestNamespace.current(), key: request.key)
        return .with { $0.mounts = mounts.map { .init($0) } }
    }

    func commit(request: Containerd_Services_Snapshots_V1_CommitSnapshotRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        let namespace = try RequestNamespace.current()
        try snapshotter(request.snapshotter).commit(namespace, name: request.name, key: request.key,
                                                    labels: request.labels, lease: RequestLease.id)
        events.publish(namespace: namespace, topic: EventTopic.snapshotCommit, event: Containerd_Events_SnapshotCommit.with {
            $0.key = request.key
            $0.name = request.name
        })
        return Google_Protobuf_Empty()
    }

    func remove(request: Containerd_Services_Snapshots_V1_RemoveSnapshotRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        let namespace = try RequestNamespace.current()
        try snapshotter(request.snapshotter).remove(namespace, key: request.key)
        events.publish(namespace: namespace, topic: EventTopic.snapshotRemove,
                       event: Containerd_Events_SnapshotRemove.with { $0.key = request.key })
        content.scheduleCollection()
        return Google_Protobuf_Empty()
    }

    func stat(request: Containerd_Services_Snapshots_V1_StatSnapshotRequest, context: ServerContext) async throws
        -> Containerd_Services_Snapshots_V1_StatSnapshotResponse
    {
        let info = try snapshotter(request.snapshotter).stat(try RequestNamespace.current(), key: request.key)
        return .with { $0.info = .init(info) }
    }

    func update(request: Containerd_Services_Snapshots_V1_UpdateSnapshotRequest, context: ServerContext) async throws
        -> Containerd_Services_Snapshots_V1_UpdateSnapshotResponse
    {
        let info = try snapshotter(request.snapshotter).update(try RequestNamespace.current(), key: request.info.name,
                                                               labels: request.info.labels, paths: request.updateMask.paths)
        return .with { $0.info = .init(info) }
    }

    func list(request: Containerd_Services_Snapshots_V1_ListSnapshotsRequest,
              response: RPCWriter<Containerd_Services_Snapshots_V1_ListSnapshotsResponse>, context: ServerContext) async throws {
        let filters = try Filter.parseAll(request.filters)
        let infos = try snapshotter(request.snapshotter).list(try RequestNamespace.current()).filter { info in
            Filter.any(filters) { path in Self.field(info, path) }
        }
        try await writeInBatches(infos) { batch in
            try await response.write(.with { $0.info = batch.map { .init($0) } })
        }
    }

    /// Filter fields, as containerd's snapshot adaptor names them.
    static func field(_ info: SnapshotInfo, _ path: [String]) -> String? {
        switch path.first {
        case "name": return info.name
        case "parent": return info.parent
        case "kind": return info.kind.rawValue.lowercased()
        case "labels": return path.count >= 2 ? info.labels[path[1...].joined(separator: ".")] : nil
        default: return nil
        }
    }

    func usage(request: Containerd_Services_Snapshots_V1_UsageRequest, context: ServerContext) async throws
        -> Containerd_Services_Snapshots_V1_UsageResponse
    {
        let usage = try snapshotter(request.snapshotter).usage(try RequestNamespace.current(), key: request.key)
        return .with {
            $0.size = usage.size
            $0.inodes = usage.inodes
        }
    }

    func cleanup(request: Containerd_Services_Snapshots_V1_CleanupRequest, context: ServerContext) async throws
        -> Google_Protobuf_Empty
    {
        try snapshotter(request.snapshotter).cleanup()
        return Google_Protobuf_Empty()
    }
}

/// `io.containerd.grpc.v1.snapshots`: every loaded snapshotter, by name.
struct SnapshotsGRPCPlugin: PluginInstance {
    let service: SnapshotsGRPC
    var rpcServices: [any RegistrableRPCService] { [service] }
    var serviceNames: [String] { [Containerd_Services_Snapshots_V1_Snapshots.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "snapshots", requires: [.snapshotter]) { context in
        var snapshotters: [String: LocalSnapshotter] = [:]
        for (id, plugin) in context.plugins(.snapshotter, as: SnapshotterPlugin.self) {
            snapshotters[id] = plugin.snapshotter
        }
        let content = try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service
        return SnapshotsGRPCPlugin(service: SnapshotsGRPC(snapshotters: snapshotters, content: content, events: context.events))
    }
}
