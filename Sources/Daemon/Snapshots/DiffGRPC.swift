import API
import Core
import GRPCCore

/// `containerd.services.diff.v1.Diff`: Apply; Diff (computing a layer from two mounts) is not
/// implemented yet.
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
        throw CtrError.unimplemented("diff: computing a layer from mounts is not implemented")
    }
}
