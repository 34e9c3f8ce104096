public import Core
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import SwiftProtobuf

extension ContainerdClient {
    private var namespaces: Containerd_Services_Namespaces_V1_Namespaces.Client<HTTP2ClientTransport.Posix> {
        .init(wrapping: connection.grpc)
    }

    public func listNamespaces() async throws(CtrError) -> [Namespace] {
        let response = try await call {
            try await namespaces.list(.init(), metadata: metadata, options: connection.callOptions)
        }
        return response.namespaces.map(Namespace.init)
    }

    public func getNamespace(_ name: String) async throws(CtrError) -> Namespace {
        let response = try await call {
            try await namespaces.get(.with { $0.name = name }, metadata: metadata, options: connection.callOptions)
        }
        return Namespace(response.namespace)
    }

    public func createNamespace(_ namespace: Namespace) async throws(CtrError) {
        _ = try await call {
            try await namespaces.create(.with { $0.namespace = .init(namespace) }, metadata: metadata,
                                        options: connection.callOptions)
        }
    }

    /// Updates the labels named in `paths` (`labels.<key>`); an empty value removes the label.
    public func updateNamespace(_ namespace: Namespace, paths: [String]) async throws(CtrError) -> Namespace {
        let request = Containerd_Services_Namespaces_V1_UpdateNamespaceRequest.with {
            $0.namespace = .init(namespace)
            $0.updateMask = Google_Protobuf_FieldMask(protoPaths: paths)
        }
        let response = try await call {
            try await namespaces.update(request, metadata: metadata, options: connection.callOptions)
        }
        return Namespace(response.namespace)
    }

    public func deleteNamespace(_ name: String) async throws(CtrError) {
        _ = try await call {
            try await namespaces.delete(.with { $0.name = name }, metadata: metadata, options: connection.callOptions)
        }
    }
}
