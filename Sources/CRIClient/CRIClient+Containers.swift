public import Core
public import API
import GRPCCore

extension CRIClient {
    /// Creates a container in a pod; returns its ID.
    public func createContainer(
        podID: String, config: Runtime_V1_ContainerConfig, sandboxConfig: Runtime_V1_PodSandboxConfig
    ) async throws(CtrError) -> String {
        let request = Runtime_V1_CreateContainerRequest.with {
            $0.podSandboxID = podID
            $0.config = config
            $0.sandboxConfig = sandboxConfig
        }
        return try await call { try await runtime.createContainer(request, options: options).containerID }
    }

    public func startContainer(_ id: String) async throws(CtrError) {
        _ = try await call { try await runtime.startContainer(.with { $0.containerID = id }, options: options) }
    }

    /// Stops a container, killing it after `timeout` seconds of grace.
    public func stopContainer(_ id: String, timeout: Int64) async throws(CtrError) {
        let request = Runtime_V1_StopContainerRequest.with {
            $0.containerID = id
            $0.timeout = timeout
        }
        _ = try await call { try await runtime.stopContainer(request, options: options) }
    }

    public func removeContainer(_ id: String) async throws(CtrError) {
        _ = try await call { try await runtime.removeContainer(.with { $0.containerID = id }, options: options) }
    }

    public func listContainers(_ filter: Runtime_V1_ContainerFilter? = nil) async throws(CtrError) -> [Runtime_V1_Container] {
        var request = Runtime_V1_ListContainersRequest()
        if let filter { request.filter = filter }
        return try await call { try await runtime.listContainers(request, options: options).containers }
    }

    public func containerStatus(_ id: String, verbose: Bool) async throws(CtrError) -> Runtime_V1_ContainerStatusResponse {
        let request = Runtime_V1_ContainerStatusRequest.with {
            $0.containerID = id
            $0.verbose = verbose
        }
        return try await call { try await runtime.containerStatus(request, options: options) }
    }

    public func updateContainerResources(_ id: String, linux: Runtime_V1_LinuxContainerResources) async throws(CtrError) {
        let request = Runtime_V1_UpdateContainerResourcesRequest.with {
            $0.containerID = id
            $0.linux = linux
        }
        _ = try await call { try await runtime.updateContainerResources(request, options: options) }
    }

    /// Runs `command` in the container and waits for it; `timeout` seconds bound it (0: no bound).
    /// Without a connection deadline the call waits as long as the command runs.
    public func execSync(_ id: String, command: [String], timeout: Int64) async throws(CtrError) -> Runtime_V1_ExecSyncResponse {
        let request = Runtime_V1_ExecSyncRequest.with {
            $0.containerID = id
            $0.cmd = command
            $0.timeout = timeout
        }
        return try await call { try await runtime.execSync(request, options: options) }
    }

    /// Asks for a streaming URL for an interactive exec.
    public func exec(_ request: Runtime_V1_ExecRequest) async throws(CtrError) -> String {
        try await call { try await runtime.exec(request, options: options).url }
    }

    /// Asks for a streaming URL to attach to the container's main process.
    public func attach(_ request: Runtime_V1_AttachRequest) async throws(CtrError) -> String {
        try await call { try await runtime.attach(request, options: options).url }
    }

    public func containerStats(_ id: String) async throws(CtrError) -> Runtime_V1_ContainerStats {
        try await call { try await runtime.containerStats(.with { $0.containerID = id }, options: options).stats }
    }

    public func listContainerStats(_ filter: Runtime_V1_ContainerStatsFilter? = nil)
        async throws(CtrError) -> [Runtime_V1_ContainerStats]
    {
        var request = Runtime_V1_ListContainerStatsRequest()
        if let filter { request.filter = filter }
        return try await call { try await runtime.listContainerStats(request, options: options).stats }
    }
}
