public import Core
import API
import GRPCCore
import SwiftProtobuf

/// A client of the containerd API (`containerd.services.*.v1`): works against `ctr daemon` and
/// against containerd itself.
public struct ContainerdClient: Sendable {
    public let connection: Connection
    public let namespace: String

    public init(connection: Connection, namespace: String) {
        self.connection = connection
        self.namespace = namespace
    }

    /// Metadata naming the namespace, as containerd expects it on every namespaced call.
    var metadata: Metadata {
        var metadata = Metadata()
        metadata.addString(namespace, forKey: Namespace.header)
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
