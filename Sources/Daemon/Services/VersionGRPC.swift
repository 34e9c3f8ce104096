import API
import Core
import GRPCCore
import SwiftProtobuf
import Transport

/// `containerd.services.version.v1.Version`.
struct VersionGRPC: Containerd_Services_Version_V1_Version.SimpleServiceProtocol {
    func version(request: Google_Protobuf_Empty, context: ServerContext) async throws
        -> Containerd_Services_Version_V1_VersionResponse
    {
        Self.response
    }

    static let response = Containerd_Services_Version_V1_VersionResponse.with {
        $0.version = CtrVersion.version
        $0.revision = CtrVersion.revision
    }
}

/// Version is answered inline too: every client command that checks the daemon asks it first.
struct VersionPlugin: PluginInstance, InlineMethodProvider {
    var serviceNames: [String] { [Containerd_Services_Version_V1_Version.descriptor.fullyQualifiedService] }
    var rpcServices: [any RegistrableRPCService] { [VersionGRPC()] }
    var inlineMethods: [String: InlineUnaryMethod] {
        ["/" + Containerd_Services_Version_V1_Version.Method.Version.descriptor.fullyQualifiedMethod:
            .message { (_: Google_Protobuf_Empty) in VersionGRPC.response }]
    }

    static let registration = PluginRegistration(type: .grpc, id: "version") { _ in VersionPlugin() }
}
