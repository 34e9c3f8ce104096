import API
import Core
import GRPCCore
import Snapshots

/// `containerd.services.diff.v1.Diff`: Apply a layer to mounts; Diff two mounts into a layer.
struct DiffGRPC: Containerd_Services_Diff_V1_Diff.SimpleServiceProtocol {
    let differ: LocalDiffService

    func apply(request: Containerd_Services_Diff_V1_ApplyRequest, context: ServerContext) async throws
        -> Containerd_Services_Diff_V1_ApplyResponse
    {
        let layer = try Descriptor(request.diff)
        let applied = try differ.apply(try RequestNamespace.current(), layer, mounts: request.mounts.map(Mount.init))
        return .with { $0.applied = .init(applied) }
    }

    func diff(request: Containerd_Services_Diff_V1_DiffRequest, context: ServerContext) async throws
        -> Containerd_Services_Diff_V1_DiffResponse
    {
        let descriptor = try differ.diff(try RequestNamespace.current(), lower: request.left.map(Mount.init),
                                         upper: request.right.map(Mount.init), mediaType: request.mediaType,
                                         ref: request.ref, labels: request.labels, lease: RequestLease.id)
        return .with { $0.diff = .init(descriptor) }
    }
}

/// `io.containerd.grpc.v1.diff`.
struct DiffGRPCPlugin: PluginInstance {
    let differ: LocalDiffService
    var rpcServices: [any RegistrableRPCService] { [DiffGRPC(differ: differ)] }
    var serviceNames: [String] { [Containerd_Services_Diff_V1_Diff.descriptor.fullyQualifiedService] }

    static let registration = PluginRegistration(type: .grpc, id: "diff", requires: [.differ]) { context in
        DiffGRPCPlugin(differ: try context.plugin(.differ, as: DifferPlugin.self).differ)
    }
}
