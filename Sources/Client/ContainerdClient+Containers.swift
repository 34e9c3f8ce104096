public import Core
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

extension ContainerdClient {
    private var containers: Containerd_Services_Containers_V1_Containers.Client<HTTP2ClientTransport.Posix> {
        .init(wrapping: connection.grpc)
    }

    public func listContainers(filters: [String] = []) async throws(CtrError) -> [Container] {
        let request = Containerd_Services_Containers_V1_ListContainersRequest.with { $0.filters = filters }
        return try await call {
            try await containers.list(request, metadata: metadata, options: connection.callOptions).containers.map(Container.init)
        }
    }

    public func getContainer(_ id: String) async throws(CtrError) -> Container {
        let request = Containerd_Services_Containers_V1_GetContainerRequest.with { $0.id = id }
        return try await call {
            Container(try await containers.get(request, metadata: metadata, options: connection.callOptions).container)
        }
    }

    public func createContainer(_ container: Container) async throws(CtrError) -> Container {
        let request = Containerd_Services_Containers_V1_CreateContainerRequest.with { $0.container = .init(container) }
        return try await call {
            Container(try await containers.create(request, metadata: metadata, options: connection.callOptions).container)
        }
    }

    public func updateContainer(_ container: Container, paths: [String]) async throws(CtrError) -> Container {
        let request = Containerd_Services_Containers_V1_UpdateContainerRequest.with {
            $0.container = .init(container)
            $0.updateMask = .with { $0.paths = paths }
        }
        return try await call {
            Container(try await containers.update(request, metadata: metadata, options: connection.callOptions).container)
        }
    }

    public func deleteContainer(_ id: String) async throws(CtrError) {
        let request = Containerd_Services_Containers_V1_DeleteContainerRequest.with { $0.id = id }
        _ = try await call { try await containers.delete(request, metadata: metadata, options: connection.callOptions) }
    }
}
