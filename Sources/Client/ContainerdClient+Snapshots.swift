public import Core
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

extension ContainerdClient {
    private var snapshots: Containerd_Services_Snapshots_V1_Snapshots.Client<HTTP2ClientTransport.Posix> {
        .init(wrapping: connection.grpc)
    }

    public func prepareSnapshot(_ snapshotter: String, key: String, parent: String,
                                labels: [String: String] = [:]) async throws(CtrError) -> [Mount] {
        let request = Containerd_Services_Snapshots_V1_PrepareSnapshotRequest.with {
            $0.snapshotter = snapshotter
            $0.key = key
            $0.parent = parent
            $0.labels = labels
        }
        return try await call {
            try await snapshots.prepare(request, metadata: metadata, options: connection.callOptions).mounts.map(Mount.init)
        }
    }

    public func viewSnapshot(_ snapshotter: String, key: String, parent: String,
                             labels: [String: String] = [:]) async throws(CtrError) -> [Mount] {
        let request = Containerd_Services_Snapshots_V1_ViewSnapshotRequest.with {
            $0.snapshotter = snapshotter
            $0.key = key
            $0.parent = parent
            $0.labels = labels
        }
        return try await call {
            try await snapshots.view(request, metadata: metadata, options: connection.callOptions).mounts.map(Mount.init)
        }
    }

    public func snapshotMounts(_ snapshotter: String, key: String) async throws(CtrError) -> [Mount] {
        let request = Containerd_Services_Snapshots_V1_MountsRequest.with {
            $0.snapshotter = snapshotter
            $0.key = key
        }
        return try await call {
            try await snapshots.mounts(request, metadata: metadata, options: connection.callOptions).mounts.map(Mount.init)
        }
    }

    public func commitSnapshot(_ snapshotter: String, name: String, key: String,
                               labels: [String: String] = [:]) async throws(CtrError) {
        let request = Containerd_Services_Snapshots_V1_CommitSnapshotRequest.with {
            $0.snapshotter = snapshotter
            $0.name = name
            $0.key = key
            $0.labels = labels
        }
        _ = try await call { try await snapshots.commit(request, metadata: metadata, options: connection.callOptions) }
    }

    public func removeSnapshot(_ snapshotter: String, key: String) async throws(CtrError) {
        let request = Containerd_Services_Snapshots_V1_RemoveSnapshotRequest.with {
            $0.snapshotter = snapshotter
            $0.key = key
        }
        _ = try await call { try await snapshots.remove(request, metadata: metadata, options: connection.callOptions) }
    }

    public func statSnapshot(_ snapshotter: String, key: String) async throws(CtrError) -> SnapshotInfo {
        let request = Containerd_Services_Snapshots_V1_StatSnapshotRequest.with {
            $0.snapshotter = snapshotter
            $0.key = key
        }
        return try await call {
            SnapshotInfo(try await snapshots.stat(request, metadata: metadata, options: connection.callOptions).info)
        }
    }

    public func updateSnapshot(_ snapshotter: String, _ info: SnapshotInfo, paths: [String]) async throws(CtrError) -> SnapshotInfo {
        let request = Containerd_Services_Snapshots_V1_UpdateSnapshotRequest.with {
            $0.snapshotter = snapshotter
            $0.info = .init(info)
            $0.updateMask = .with { $0.paths = paths }
        }
        return try await call {
            SnapshotInfo(try await snapshots.update(request, metadata: metadata, options: connection.callOptions).info)
        }
    }

    public func listSnapshots(_ snapshotter: String, filters: [String] = []) async throws(CtrError) -> [SnapshotInfo] {
        let request = Containerd_Services_Snapshots_V1_ListSnapshotsRequest.with {
            $0.snapshotter = snapshotter
            $0.filters = filters
        }
        return try await call {
            try await snapshots.list(request, metadata: metadata, options: connection.callOptions) { response in
                var all: [SnapshotInfo] = []
                for try await message in response.messages { all.append(contentsOf: message.info.map(SnapshotInfo.init)) }
                return all
            }
        }
    }

    public func snapshotUsage(_ snapshotter: String, key: String) async throws(CtrError) -> SnapshotUsage {
        let request = Containerd_Services_Snapshots_V1_UsageRequest.with {
            $0.snapshotter = snapshotter
            $0.key = key
        }
        let response = try await call { try await snapshots.usage(request, metadata: metadata, options: connection.callOptions) }
        return SnapshotUsage(size: response.size, inodes: response.inodes)
    }

    /// Applies a layer blob onto mounts through the Diff service.
    public func applyLayer(_ layer: Descriptor, mounts: [Mount]) async throws(CtrError) -> Descriptor {
        let diff = Containerd_Services_Diff_V1_Diff.Client(wrapping: connection.grpc)
        let request = Containerd_Services_Diff_V1_ApplyRequest.with {
            $0.diff = .init(layer)
            $0.mounts = mounts.map { .init($0) }
        }
        let response = try await call {
            try await diff.apply(request, metadata: metadata, options: connection.callOptions)
        }
        return try Descriptor(response.applied)
    }
}

/// A snapshotter of the daemon, over gRPC, for the operations in Core.
public struct GRPCSnapshotter: Snapshotter {
    public let client: ContainerdClient
    public let name: String

    public init(client: ContainerdClient, name: String) {
        self.client = client
        self.name = name
    }

    public func stat(_ key: String) async throws -> SnapshotInfo { try await client.statSnapshot(name, key: key) }
    public func prepare(_ key: String, parent: String, labels: [String: String]) async throws -> [Mount] {
        try await client.prepareSnapshot(name, key: key, parent: parent, labels: labels)
    }
    public func view(_ key: String, parent: String, labels: [String: String]) async throws -> [Mount] {
        try await client.viewSnapshot(name, key: key, parent: parent, labels: labels)
    }
    public func mounts(_ key: String) async throws -> [Mount] { try await client.snapshotMounts(name, key: key) }
    public func commit(_ name: String, key: String, labels: [String: String]) async throws {
        try await client.commitSnapshot(self.name, name: name, key: key, labels: labels)
    }
    public func remove(_ key: String) async throws { try await client.removeSnapshot(name, key: key) }
}

/// The daemon's Diff service and content labels, over gRPC, for unpack.
public struct GRPCDiffer: Differ, ContentLabeler {
    public let client: ContainerdClient

    public init(client: ContainerdClient) {
        self.client = client
    }

    public func apply(_ layer: Descriptor, mounts: [Mount]) async throws -> Descriptor {
        try await client.applyLayer(layer, mounts: mounts)
    }

    public func labels(_ digest: Digest) async throws -> [String: String] {
        try await client.contentInfo(digest).labels
    }

    public func setLabels(_ digest: Digest, _ labels: [String: String]) async throws {
        let info = try await client.contentInfo(digest)
        var updated = info
        updated.labels = labels
        _ = try await client.updateContent(updated, paths: ["labels"])
    }
}
