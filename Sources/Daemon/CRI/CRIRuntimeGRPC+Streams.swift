import API
import Core
import GRPCCore
import GRPCProtobuf
import SwiftProtobuf

/// The Stream* list calls: the same answers as the List calls, sent in pages, so a node with
/// many containers never needs one response larger than a page. Also the metrics calls,
/// UpdatePodSandboxResources and CheckpointContainer.
extension CRIRuntimeGRPC {
    /// Items per streamed response.
    static let pageSize = 500

    func registerStreams<Transport: ServerTransport>(_ router: inout RPCRouter<Transport>) {
        typealias Method = Runtime_V1_RuntimeService.Method
        let service = self.service
        let listPods = self.listPodSandbox
        let listContainers = self.listContainers
        router.pages(Method.StreamPodSandboxes.descriptor) { (request: Runtime_V1_StreamPodSandboxesRequest) in
            let encoded = listPods(.with { $0.filter = request.filter })
            return try Runtime_V1_ListPodSandboxResponse(serializedBytes: Array(encoded.joined())).items
        } page: { (items: ArraySlice<Runtime_V1_PodSandbox>) in
            Runtime_V1_StreamPodSandboxesResponse.with { $0.podSandboxes = Array(items) }
        }
        router.pages(Method.StreamContainers.descriptor) { (request: Runtime_V1_StreamContainersRequest) in
            let encoded = listContainers(.with { $0.filter = request.filter })
            return try Runtime_V1_ListContainersResponse(serializedBytes: Array(encoded.joined())).containers
        } page: { (items: ArraySlice<Runtime_V1_Container>) in
            Runtime_V1_StreamContainersResponse.with { $0.containers = Array(items) }
        }
        router.pages(Method.StreamContainerStats.descriptor) { (request: Runtime_V1_StreamContainerStatsRequest) in
            let filter = request.filter
            return service.containers().filter { container in
                container.status.phase == .running
                    && container.matches(id: filter.id, pod: filter.podSandboxID, labels: filter.labelSelector)
            }.map(service.containerStats)
        } page: { (items: ArraySlice<Runtime_V1_ContainerStats>) in
            Runtime_V1_StreamContainerStatsResponse.with { $0.containerStats = Array(items) }
        }
        router.pages(Method.StreamPodSandboxStats.descriptor) { (request: Runtime_V1_StreamPodSandboxStatsRequest) in
            let filter = request.filter
            return service.sandboxes().filter { $0.matches(id: filter.id, labels: filter.labelSelector) }
                .map(service.podSandboxStats)
        } page: { (items: ArraySlice<Runtime_V1_PodSandboxStats>) in
            Runtime_V1_StreamPodSandboxStatsResponse.with { $0.podSandboxStats = Array(items) }
        }
        router.unary(Method.ListMetricDescriptors.descriptor) { (_: Runtime_V1_ListMetricDescriptorsRequest, _) in
            Runtime_V1_ListMetricDescriptorsResponse.with { $0.descriptors = CRIMetrics.descriptors }
        }
        router.unary(Method.ListPodSandboxMetrics.descriptor) { (_: Runtime_V1_ListPodSandboxMetricsRequest, _) in
            Runtime_V1_ListPodSandboxMetricsResponse.with { $0.podMetrics = service.sandboxes().map(service.podSandboxMetrics) }
        }
        router.pages(Method.StreamPodSandboxMetrics.descriptor) { (_: Runtime_V1_StreamPodSandboxMetricsRequest) in
            service.sandboxes().map(service.podSandboxMetrics)
        } page: { (items: ArraySlice<Runtime_V1_PodSandboxMetrics>) in
            Runtime_V1_StreamPodSandboxMetricsResponse.with { $0.podSandboxMetrics = Array(items) }
        }
        router.unary(Method.UpdatePodSandboxResources.descriptor) { (request: Runtime_V1_UpdatePodSandboxResourcesRequest, _) in
            try service.updatePodSandboxResources(request.podSandboxID, overhead: request.hasOverhead ? request.overhead : nil,
                                                  resources: request.hasResources ? request.resources : nil)
            return Runtime_V1_UpdatePodSandboxResourcesResponse()
        }
        router.unary(Method.CheckpointContainer.descriptor) { (request: Runtime_V1_CheckpointContainerRequest, _)
            -> Runtime_V1_CheckpointContainerResponse in
            throw CtrError(.unimplemented, "checkpoint of container \"\(request.containerID)\": ctr does not checkpoint "
                + "containers (no CRIU support)")
        }
    }
}

extension RPCRouter {
    /// A server-streaming method whose whole answer is computed at once and sent in pages of
    /// `CRIRuntimeGRPC.pageSize` items (at least one response, possibly empty).
    mutating func pages<Input: SwiftProtobuf.Message, Item: Sendable, Output: SwiftProtobuf.Message>(
        _ method: MethodDescriptor, _ items: @escaping @Sendable (Input) async throws -> [Item],
        page: @escaping @Sendable (ArraySlice<Item>) -> Output
    ) {
        registerHandler(forMethod: method, deserializer: ProtobufDeserializer<Input>(),
                        serializer: ProtobufSerializer<Output>()) { request, _ in
            let all = try await items(try await ServerRequest(stream: request).message)
            return StreamingServerResponse(of: Output.self) { writer in
                var start = 0
                repeat {
                    let end = min(start + CRIRuntimeGRPC.pageSize, all.count)
                    try await writer.write(page(all[start..<end]))
                    start = end
                } while start < all.count
                return [:]
            }
        }
    }
}
