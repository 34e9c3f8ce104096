import API
import Core
import GRPCCore
import Transport

/// `io.containerd.grpc.v1.cri`: the Kubernetes CRI v1 services, built into the daemon and served on
/// its socket. Calls the content store, snapshotter, differ and task service in process.
struct CRIPlugin: PluginInstance, InlineMethodProvider {
    let service: CRIService
    let runtime: CRIRuntimeGRPC
    let images: CRIImagesGRPC
    let streams: StreamServer

    var rpcServices: [any RegistrableRPCService] { [runtime, images] }
    var serviceNames: [String] {
        [Runtime_V1_RuntimeService.descriptor.fullyQualifiedService,
         Runtime_V1_ImageService.descriptor.fullyQualifiedService]
    }
    var exports: [String: String] { ["sandbox_image": service.config.sandboxImage, "stream_server": streams.base] }
    var inlineMethods: [String: InlineUnaryMethod] { runtime.inlineMethods }

    func close() async throws {
        await streams.close()
        service.containerEvents.finish()
    }

    static let uri = "io.containerd.grpc.v1.cri"

    static let registration = PluginRegistration(
        type: .grpc, id: "cri", requires: [.metadata, ContentPlugin.type, .snapshotter, .differ, .runtime],
        config: CRIConfig.self
    ) { context in
        let config = try context.config(as: CRIConfig.self)
        let store = try context.plugin(.metadata, as: MetadataPlugin.self).store
        try store.ensureNamespace(Namespace.criName)
        let snapshotter: SnapshotterPlugin
        do {
            snapshotter = try context.plugin(.snapshotter, id: config.containerd.snapshotter, as: SnapshotterPlugin.self)
        } catch {
            throw CtrError.failedPrecondition("cri: snapshotter \"\(config.containerd.snapshotter)\" is not loaded")
        }
        let service = try CRIService(
            config: config, daemon: context.daemon, metadata: store,
            content: try context.plugin(ContentPlugin.type, as: ContentPlugin.self).service,
            snapshotter: snapshotter.snapshotter,
            differ: try context.plugin(.differ, as: DifferPlugin.self).differ,
            tasks: try context.plugin(.runtime, as: RuntimePlugin.self).tasks,
            events: context.events, state: context.state, logger: context.logger)
        let tls = config.enableTLSStreaming
            ? try StreamTLS.context(certFile: config.tlsCertFile, keyFile: config.tlsKeyFile,
                                    address: config.streamServerAddress)
            : nil
        let streams = try await StreamServer.start(
            service: service, address: config.streamServerAddress, port: Int(config.streamServerPort) ?? 0, tls: tls,
            idleTimeout: (try? Duration.parseGo(config.streamIdleTimeout)) ?? .seconds(4 * 3600), logger: context.logger)
        service.streamBase.withLock { $0 = streams.base }
        context.logger.info("stream server listening", metadata: ["address": "\(streams.base)"])
        await service.start()
        return CRIPlugin(service: service, runtime: CRIRuntimeGRPC(service: service), images: CRIImagesGRPC(service: service),
                         streams: streams)
    }
}
