public import Core
public import API
import GRPCCore

extension CRIClient {
    /// Creates and starts a pod sandbox; returns its ID.
    public func runPodSandbox(_ config: Runtime_V1_PodSandboxConfig, runtimeHandler: String = "")
        async throws(CtrError) -> String
    {
        let request = Runtime_V1_RunPodSandboxRequest.with {
            $0.config = config
            $0.runtimeHandler = runtimeHandler
        }
        return try await call { try await runtime.runPodSandbox(request, options: options).podSandboxID }
    }

    public func stopPodSandbox(_ id: String) async throws(CtrError) {
        _ = try await call {
            try await runtime.stopPodSandbox(.with { $0.podSandboxID = id }, options: options)
        }
    }

    public func removePodSandbox(_ id: String) async throws(CtrError) {
        _ = try await call {
            try await runtime.removePodSandbox(.with { $0.podSandboxID = id }, options: options)
        }
    }

    public func podSandboxStatus(_ id: String, verbose: Bool) async throws(CtrError) -> Runtime_V1_PodSandboxStatusResponse {
        let request = Runtime_V1_PodSandboxStatusRequest.with {
            $0.podSandboxID = id
            $0.verbose = verbose
        }
        return try await call { try await runtime.podSandboxStatus(request, options: options) }
    }

    public func listPodSandbox(_ filter: Runtime_V1_PodSandboxFilter? = nil) async throws(CtrError) -> [Runtime_V1_PodSandbox] {
        var request = Runtime_V1_ListPodSandboxRequest()
        if let filter { request.filter = filter }
        return try await call { try await runtime.listPodSandbox(request, options: options).items }
    }

    public func podSandboxStats(_ id: String) async throws(CtrError) -> Runtime_V1_PodSandboxStats {
        try await call {
            try await runtime.podSandboxStats(.with { $0.podSandboxID = id }, options: options).stats
        }
    }

    public func listPodSandboxStats(_ filter: Runtime_V1_PodSandboxStatsFilter? = nil)
        async throws(CtrError) -> [Runtime_V1_PodSandboxStats]
    {
        var request = Runtime_V1_ListPodSandboxStatsRequest()
        if let filter { request.filter = filter }
        return try await call { try await runtime.listPodSandboxStats(request, options: options).stats }
    }

    /// The metrics the runtime reports (names, help, label keys).
    public func listMetricDescriptors() async throws(CtrError) -> [Runtime_V1_MetricDescriptor] {
        try await call {
            try await runtime.listMetricDescriptors(Runtime_V1_ListMetricDescriptorsRequest(), options: options).descriptors
        }
    }

    /// Every pod's metrics, with its containers'.
    public func listPodSandboxMetrics() async throws(CtrError) -> [Runtime_V1_PodSandboxMetrics] {
        try await call {
            try await runtime.listPodSandboxMetrics(Runtime_V1_ListPodSandboxMetricsRequest(), options: options).podMetrics
        }
    }

    /// Asks for a streaming URL to forward `ports` of the pod.
    public func portForward(_ podID: String, ports: [Int32]) async throws(CtrError) -> String {
        let request = Runtime_V1_PortForwardRequest.with {
            $0.podSandboxID = podID
            $0.port = ports
        }
        return try await call { try await runtime.portForward(request, options: options).url }
    }
}
