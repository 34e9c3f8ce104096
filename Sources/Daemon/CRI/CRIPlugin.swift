import API
import Core
import GRPCCore

/// `io.containerd.grpc.v1.cri`: the Kubernetes CRI v1 services, built into the daemon and served on
/// its socket. Requires the metadata plugin; calls the core services in process.
struct CRIPlugin: PluginInstance {
    let runtime: CRIRuntimeService
    let images: CRIImageService

    var rpcServices: [any RegistrableRPCService] { [runtime, images] }
    var serviceNames: [String] {
        [Runtime_V1_RuntimeService.descriptor.fullyQualifiedService,
         Runtime_V1_ImageService.descriptor.fullyQualifiedService]
    }
    var exports: [String: String] { ["sandbox_image": runtime.config.sandboxImage] }

    static let uri = "io.containerd.grpc.v1.cri"

    static let registration = PluginRegistration(
        type: .grpc, id: "cri", requires: [.metadata], config: CRIConfig.self
    ) { context in
        let config = try context.config(as: CRIConfig.self)
        let store = try context.plugin(.metadata, as: MetadataPlugin.self).store
        try store.ensureNamespace(Namespace.criName)
        return CRIPlugin(
            runtime: CRIRuntimeService(config: config, daemon: context.daemon),
            images: CRIImageService(config: config))
    }
}
