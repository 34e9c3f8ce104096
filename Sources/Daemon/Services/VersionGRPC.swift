import API
import Core
import GRPCCore
import SwiftProtobuf

/// `containerd.services.version.v1.Version`.
struct VersionGRPC: Containerd_Services_Version_V1_Version.SimpleServiceProtocol {
    func version(request: Google_Protobuf_Empty, context: ServerContext) async throws
        -> Containerd_Services_Version_V1_VersionResponse
    {
        .with {
            $0.version = CtrVersion.version
            $0.revision = CtrVersion.revision
        }
    }
}

struct VersionPlugin: PluginInstance {
    var serviceNames: [String] { [Containerd_Services_Version_V1_Version.descriptor.fullyQualifiedService] }
    var rpcServices: [any RegistrableRPCService] { [VersionGRPC()] }

    static let registration = PluginRegistration(type: .grpc, id: "version") { _ in VersionPlugin() }
}
