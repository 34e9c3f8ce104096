public import Core
import API
import GRPCCore
import SwiftProtobuf

/// A client of the containerd API (`containerd.services.*.v1`): works against `ctr daemon` and
/// against containerd itself.
public struct ContainerdClient: Sendable {
    public let connection: Connection
    public let namespace: String
    /// The lease that holds what this client writes, if any (`containerd-lease` header).
    public let lease: String?

    public init(connection: Connection, namespace: String, lease: String? = nil) {
        self.connection = connection
        self.namespace = namespace
        self.lease = lease
    }

    /// The same client, with its writes held by `lease`.
    public func withLease(_ lease: String) -> ContainerdClient {
        ContainerdClient(connection: connection, namespace: namespace, lease: lease)
    }

    /// Metadata naming the namespace (and lease), as containerd expects on every namespaced call.
    var metadata: Metadata {
        var metadata = Metadata()
        metadata.addString(namespace, forKey: Namespace.header)
        if let lease { metadata.addString(lease, forKey: "containerd-lease") }
        return metadata
    }

    /// Runs a call, mapping gRPC errors to `CtrError`.
    func call<T: Sendable>(_ body: () async throws -> T) async throws(CtrError) -> T {
        do {
            return try await body()
        } catch {
            throw ErrorMapping.ctrError(error)
        }
    }

    public func version() async throws(CtrError) -> ServerVersion {
        let service = Containerd_Services_Version_V1_Version.Client(wrapping: connection.grpc)
        let response = try await call {
            try await service.version(Google_Protobuf_Empty(), metadata: metadata, options: connection.callOptions)
        }
        return ServerVersion(version: response.version, revision: response.revision)
    }

    public func plugins(filters: [String] = []) async throws(CtrError) -> [PluginInfo] {
        let service = Containerd_Services_Introspection_V1_Introspection.Client(wrapping: connection.grpc)
        let request = Containerd_Services_Introspection_V1_PluginsRequest.with { $0.filters = filters }
        let response = try await call {
            try await service.plugins(request, metadata: metadata, options: connection.callOptions)
        }
        return response.plugins.map { plugin in
            PluginInfo(
                type: plugin.type, id: plugin.id, requires: plugin.requires,
                platforms: plugin.platforms.map { platform in
                    [platform.os, platform.architecture, platform.variant].filter { !$0.isEmpty }.joined(separator: "/")
                },
                exports: plugin.exports, capabilities: plugin.capabilities,
                initError: plugin.hasInitErr ? plugin.initErr.message : nil)
        }
    }

    public func serverUUID() async throws(CtrError) -> String {
        let service = Containerd_Services_Introspection_V1_Introspection.Client(wrapping: connection.grpc)
        return try await call {
            try await service.server(Google_Protobuf_Empty(), metadata: metadata, options: connection.callOptions).uuid
        }
    }
}
