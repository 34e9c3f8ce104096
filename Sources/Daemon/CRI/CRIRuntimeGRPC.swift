import API
import Core
import GRPCCore
import Transport
import GRPCProtobuf
import SwiftProtobuf
import Glibc

/// `runtime.v1.RuntimeService`: decodes, calls the in-process `CRIService`, encodes. Every method
/// of the v1 service is served; CheckpointContainer answers UNIMPLEMENTED with a message.
struct CRIRuntimeGRPC: RegistrableRPCService {
    let service: CRIService
    var config: CRIConfig { service.config }
    var daemon: DaemonConfig { service.daemon }

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        typealias Method = Runtime_V1_RuntimeService.Method
        router.unary(Method.Version.descriptor) { (request: Runtime_V1_VersionRequest, _) in version(request) }
        router.unary(Method.Status.descriptor) { (request: Runtime_V1_StatusRequest, _) in status(request) }
        router.unary(Method.RuntimeConfig.descriptor) { (_: Runtime_V1_RuntimeConfigRequest, _) in
            // The default handler's driver, as containerd reports it.
            Runtime_V1_RuntimeConfigResponse.with {
                $0.linux.cgroupDriver = service.systemdCgroup(config.containerd.defaultRuntimeName) ? .systemd : .cgroupfs
            }
        }
        router.unary(Method.UpdateRuntimeConfig.descriptor) { (request: Runtime_V1_UpdateRuntimeConfigRequest, _) in
            service.podCIDR.withLock { $0 = request.runtimeConfig.networkConfig.podCidr }
            return Runtime_V1_UpdateRuntimeConfigResponse()
        }
        registerSandboxes(&router)
        registerContainers(&router)
        registerStreams(&router)
        router.registerHandler(
            forMethod: Method.GetContainerEvents.descriptor,
            deserializer: ProtobufDeserializer<Runtime_V1_GetEventsRequest>(),
            serializer: ProtobufSerializer<Runtime_V1_ContainerEventResponse>()
        ) { _, _ in
            let events = service.containerEvents.subscribe()
            return StreamingServerResponse(of: Runtime_V1_ContainerEventResponse.self) { writer in
                for await event in events { try await writer.write(event) }
                return [:]
            }
        }
    }

    /// The list calls a kubelet polls: answered from the store's encoded entries, under its lock
    /// and without waiting, so the daemon's transport runs them inline (`InlineUnaryMethod`).
    /// So are Version and the streaming calls, which check in-memory state and issue a token.
    var inlineMethods: [String: InlineUnaryMethod] {
        typealias Method = Runtime_V1_RuntimeService.Method
        return [
            "/" + Method.ListPodSandbox.descriptor.fullyQualifiedMethod: .encoded(listPodSandbox),
            "/" + Method.ListContainers.descriptor.fullyQualifiedMethod: .encoded(listContainers),
            "/" + Method.Version.descriptor.fullyQualifiedMethod: .message(version),
            "/" + Method.ContainerStatus.descriptor.fullyQualifiedMethod: .messageIfInMemory {
                (request: Runtime_V1_ContainerStatusRequest) in
                // Verbose reads the OCI spec from the metadata store: not on the event loop.
                request.verbose ? nil : try containerStatus(request)
            },
            "/" + Method.PodSandboxStatus.descriptor.fullyQualifiedMethod: .message(podSandboxStatus),
            "/" + Method.Exec.descriptor.fullyQualifiedMethod: .message(exec),
            "/" + Method.Attach.descriptor.fullyQualifiedMethod: .message(attach),
            "/" + Method.PortForward.descriptor.fullyQualifiedMethod: .message(portForward),
        ]
    }

    // The calls answered both inline and by the router (a request of another shape, a declined one).

    @Sendable func containerStatus(_ request: Runtime_V1_ContainerStatusRequest) throws -> Runtime_V1_ContainerStatusResponse {
        let container = try service.container(request.containerID)
        return .with {
            $0.status = service.containerStatus(container)
            if request.verbose { $0.info["info"] = service.containerInfo(container) }
        }
    }

    @Sendable func podSandboxStatus(_ request: Runtime_V1_PodSandboxStatusRequest) throws -> Runtime_V1_PodSandboxStatusResponse {
        let sandbox = try service.sandbox(request.podSandboxID)
        return .with {
            $0.status = service.podSandboxStatus(sandbox)
            $0.timestamp = Timestamp.now.unixNanos
            if request.verbose { $0.info["info"] = service.podSandboxInfo(sandbox) }
        }
    }

    @Sendable func exec(_ request: Runtime_V1_ExecRequest) throws -> Runtime_V1_ExecResponse {
        let url = try service.exec(request)
        return .with { $0.url = url }
    }

    @Sendable func attach(_ request: Runtime_V1_AttachRequest) throws -> Runtime_V1_AttachResponse {
        let url = try service.attach(request)
        return .with { $0.url = url }
    }

    @Sendable func portForward(_ request: Runtime_V1_PortForwardRequest) throws -> Runtime_V1_PortForwardResponse {
        let url = try service.portForward(request)
        return .with { $0.url = url }
    }

    @Sendable func listPodSandbox(_ request: Runtime_V1_ListPodSandboxRequest) -> [[UInt8]] {
        let filter = request.filter
        let filtered = !filter.id.isEmpty || !filter.labelSelector.isEmpty || filter.hasState
        return service.store.withLock { store in
            store.sandboxEntries(filtered ? { sandbox in
                sandbox.matches(id: filter.id, labels: filter.labelSelector)
                    && (!filter.hasState || sandbox.state == filter.state.state)
            } : nil)
        }
    }

    @Sendable func listContainers(_ request: Runtime_V1_ListContainersRequest) -> [[UInt8]] {
        let filter = request.filter
        let filtered = !filter.id.isEmpty || !filter.podSandboxID.isEmpty || !filter.labelSelector.isEmpty
            || filter.hasState
        return service.store.withLock { store in
            store.containerEntries(filtered ? { container in
                container.matches(id: filter.id, pod: filter.podSandboxID, labels: filter.labelSelector)
                    && (!filter.hasState || CRIWire.state(container.status.phase) == filter.state.state)
            } : nil)
        }
    }

    func registerSandboxes<Transport: ServerTransport>(_ router: inout RPCRouter<Transport>) {
        typealias Method = Runtime_V1_RuntimeService.Method
        router.unary(Method.RunPodSandbox.descriptor) { (request: Runtime_V1_RunPodSandboxRequest, _) in
            let id = try await service.runPodSandbox(request.config, handler: request.runtimeHandler)
            return Runtime_V1_RunPodSandboxResponse.with { $0.podSandboxID = id }
        }
        router.unary(Method.StopPodSandbox.descriptor) { (request: Runtime_V1_StopPodSandboxRequest, _) in
            try await service.stopPodSandbox(request.podSandboxID)
            return Runtime_V1_StopPodSandboxResponse()
        }
        router.unary(Method.RemovePodSandbox.descriptor) { (request: Runtime_V1_RemovePodSandboxRequest, _) in
            try await service.removePodSandbox(request.podSandboxID)
            return Runtime_V1_RemovePodSandboxResponse()
        }
        router.unary(Method.PodSandboxStatus.descriptor) { (request: Runtime_V1_PodSandboxStatusRequest, _) in
            try podSandboxStatus(request)
        }
        router.encoded(Method.ListPodSandbox.descriptor, listPodSandbox)
        router.unary(Method.PodSandboxStats.descriptor) { (request: Runtime_V1_PodSandboxStatsRequest, _) in
            let sandbox = try service.sandbox(request.podSandboxID)
            return Runtime_V1_PodSandboxStatsResponse.with { $0.stats = service.podSandboxStats(sandbox) }
        }
        router.unary(Method.ListPodSandboxStats.descriptor) { (request: Runtime_V1_ListPodSandboxStatsRequest, _) in
            let filter = request.filter
            let items = service.sandboxes().filter { $0.matches(id: filter.id, labels: filter.labelSelector) }
            return Runtime_V1_ListPodSandboxStatsResponse.with { $0.stats = items.map(service.podSandboxStats) }
        }
    }

    func registerContainers<Transport: ServerTransport>(_ router: inout RPCRouter<Transport>) {
        typealias Method = Runtime_V1_RuntimeService.Method
        router.unary(Method.CreateContainer.descriptor) { (request: Runtime_V1_CreateContainerRequest, _) in
            let id = try await service.createContainer(sandboxID: request.podSandboxID, request.config)
            return Runtime_V1_CreateContainerResponse.with { $0.containerID = id }
        }
        router.unary(Method.StartContainer.descriptor) { (request: Runtime_V1_StartContainerRequest, _) in
            try await service.startContainer(request.containerID)
            return Runtime_V1_StartContainerResponse()
        }
        router.unary(Method.StopContainer.descriptor) { (request: Runtime_V1_StopContainerRequest, _) in
            try await service.stopContainer(try service.container(request.containerID).id, timeout: request.timeout)
            return Runtime_V1_StopContainerResponse()
        }
        router.unary(Method.RemoveContainer.descriptor) { (request: Runtime_V1_RemoveContainerRequest, _) in
            try await service.removeContainer(request.containerID)
            return Runtime_V1_RemoveContainerResponse()
        }
        router.encoded(Method.ListContainers.descriptor, listContainers)
        router.unary(Method.ContainerStatus.descriptor) { (request: Runtime_V1_ContainerStatusRequest, _) in
            try containerStatus(request)
        }
        router.unary(Method.UpdateContainerResources.descriptor) { (request: Runtime_V1_UpdateContainerResourcesRequest, _) in
            try await service.updateResources(try service.container(request.containerID).id, request.linux)
            return Runtime_V1_UpdateContainerResourcesResponse()
        }
        router.unary(Method.ReopenContainerLog.descriptor) { (request: Runtime_V1_ReopenContainerLogRequest, _) in
            try await service.reopenLog(try service.container(request.containerID).id)
            return Runtime_V1_ReopenContainerLogResponse()
        }
        router.unary(Method.Exec.descriptor) { (request: Runtime_V1_ExecRequest, _) in try exec(request) }
        router.unary(Method.Attach.descriptor) { (request: Runtime_V1_AttachRequest, _) in try attach(request) }
        router.unary(Method.PortForward.descriptor) { (request: Runtime_V1_PortForwardRequest, _) in
            try portForward(request)
        }
        router.unary(Method.ExecSync.descriptor) { (request: Runtime_V1_ExecSyncRequest, _) in
            try await service.execSync(request.containerID, command: request.cmd, timeout: request.timeout)
        }
        router.unary(Method.ContainerStats.descriptor) { (request: Runtime_V1_ContainerStatsRequest, _) in
            let container = try service.container(request.containerID)
            return Runtime_V1_ContainerStatsResponse.with { $0.stats = service.containerStats(container) }
        }
        router.unary(Method.ListContainerStats.descriptor) { (request: Runtime_V1_ListContainerStatsRequest, _) in
            let filter = request.filter
            let items = service.containers().filter { container in
                container.status.phase == .running
                    && container.matches(id: filter.id, pod: filter.podSandboxID, labels: filter.labelSelector)
            }
            return Runtime_V1_ListContainerStatsResponse.with { $0.stats = items.map(service.containerStats) }
        }
    }

    func version(_ request: Runtime_V1_VersionRequest) -> Runtime_V1_VersionResponse {
        .with {
            $0.version = "0.1.0" // the CRI Version API version, as kubelet expects
            $0.runtimeName = CtrVersion.runtimeName
            $0.runtimeVersion = CtrVersion.version
            $0.runtimeApiVersion = CtrVersion.criAPIVersion
        }
    }

    func status(_ request: Runtime_V1_StatusRequest) -> Runtime_V1_StatusResponse {
        let network = networkCondition()
        return .with {
            $0.status.conditions = [
                .with {
                    $0.type = "RuntimeReady"
                    $0.status = true
                },
                network,
            ]
            $0.runtimeHandlers = config.containerd.runtimes.keys.sorted().map { name in
                .with { $0.name = name }
            } + [.with { $0.name = "" }]
            if request.verbose {
                $0.info["config"] = configJSON().serialized()
            }
        }
    }

    /// NetworkReady holds once a CNI network config exists in `conf_dir`; checked on every call, so
    /// a config written later is picked up without a restart.
    func networkCondition() -> Runtime_V1_RuntimeCondition {
        let found = firstCNIConfig(in: config.cni.confDir)
        return .with {
            $0.type = "NetworkReady"
            $0.status = found != nil
            if found == nil {
                $0.reason = "NetworkPluginNotReady"
                $0.message = "Network plugin returns error: cni plugin not initialized: no network config found in \(config.cni.confDir)"
            }
        }
    }

    func configJSON() -> JSONValue {
        .object([
            ("sandboxImage", .string(config.sandboxImage)),
            ("cni", .object([
                ("binDir", .string(config.cni.binDir)),
                ("confDir", .string(config.cni.confDir)),
            ])),
            ("containerd", .object([
                ("snapshotter", .string(config.containerd.snapshotter)),
                ("defaultRuntimeName", .string(config.containerd.defaultRuntimeName)),
            ])),
            ("maxContainerLogLineSize", .integer(Int64(config.maxContainerLogLineSize))),
            ("streamServerAddress", .string(config.streamServerAddress)),
            ("streamServerPort", .string(config.streamServerPort)),
            ("streamIdleTimeout", .string(config.streamIdleTimeout)),
            ("enableTLSStreaming", .bool(config.enableTLSStreaming)),
            ("x509KeyPairStreaming", .object([
                ("tlsCertFile", .string(config.tlsCertFile)), ("tlsKeyFile", .string(config.tlsKeyFile)),
            ])),
            // Where the stream server listens now (port "0" picks one at start).
            ("streamServer", .string(service.streamBase.withLock { $0 } ?? "")),
            ("restrictOOMScoreAdj", .bool(config.restrictOOMScoreAdj)),
            ("podCIDR", .string(service.podCIDR.withLock { $0 })),
            ("containerdRootDir", .string(daemon.root)),
            ("containerdEndpoint", .string(daemon.grpc.address)),
            ("rootDir", .string(daemon.root + "/" + CRIPlugin.uri)),
            ("stateDir", .string(daemon.state + "/" + CRIPlugin.uri)),
        ])
    }
}

extension RPCRouter {
    /// A unary method whose handler returns the response already encoded, in parts.
    mutating func encoded<Input: SwiftProtobuf.Message>(
        _ method: MethodDescriptor, _ handler: @escaping @Sendable (Input) throws -> [[UInt8]]
    ) {
        registerHandler(forMethod: method, deserializer: ProtobufDeserializer<Input>(),
                        serializer: EncodedMessageSerializer()) { request, _ in
            let response = try ServerResponse(message: handler(try await ServerRequest(stream: request).message))
            return StreamingServerResponse(single: response)
        }
    }
}

/// The first file in `directory` (by name) that is a CNI config (`.conf`, `.conflist`, `.json`).
func firstCNIConfig(in directory: String) -> String? {
    guard let dir = opendir(directory) else { return nil }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name.hasSuffix(".conf") || name.hasSuffix(".conflist") || name.hasSuffix(".json") {
            names.append(name)
        }
    }
    return names.min().map { directory + "/" + $0 }
}
