public import Core
public import Client
public import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// A CRI v1 client (`runtime.v1.RuntimeService`, `runtime.v1.ImageService`) for any CRI runtime:
/// `ctr daemon`, containerd, CRI-O. Calls carry the connection's deadline unless noted.
public struct CRIClient: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    var runtime: Runtime_V1_RuntimeService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: connection.grpc) }
    var images: Runtime_V1_ImageService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: connection.grpc) }

    var options: CallOptions { connection.callOptions }

    /// Call options without a deadline, for streams and calls bounded by their own timeout.
    var unbounded: CallOptions {
        var options = CallOptions.defaults
        options.timeout = nil
        return options
    }

    func call<T: Sendable>(_ body: () async throws -> T) async throws(CtrError) -> T {
        do {
            return try await body()
        } catch {
            let mapped = ErrorMapping.ctrError(error)
            if mapped.code == .unimplemented {
                throw CtrError(.unimplemented, "the runtime does not serve this CRI call: \(mapped.message)")
            }
            throw mapped
        }
    }

    public func version() async throws(CtrError) -> Runtime_V1_VersionResponse {
        try await call {
            try await runtime.version(.with { $0.version = "v1" }, options: options)
        }
    }

    public func status(verbose: Bool) async throws(CtrError) -> Runtime_V1_StatusResponse {
        try await call {
            try await runtime.status(.with { $0.verbose = verbose }, options: options)
        }
    }

    /// The runtime's cgroup driver and other node-level configuration.
    public func runtimeConfig() async throws(CtrError) -> Runtime_V1_RuntimeConfigResponse {
        try await call { try await runtime.runtimeConfig(Runtime_V1_RuntimeConfigRequest(), options: options) }
    }

    /// The sandbox (pause) image the runtime uses, read from the verbose status' `config` document
    /// (`sandboxImage`, as containerd and `ctr daemon` report it); nil when the runtime does not say.
    public func sandboxImage() async throws(CtrError) -> String? {
        let response = try await status(verbose: true)
        guard let text = response.info["config"], let config = try? JSONValue.parse(text) else { return nil }
        for candidate in [config["sandboxImage"], config["sandbox_image"], config["pinnedImages"]?["sandbox"]] {
            if case .string(let image)? = candidate, !image.isEmpty { return image }
        }
        return nil
    }

    /// Streams container lifecycle events to `body` until the stream ends or `body` throws.
    public func containerEvents(_ body: @escaping @Sendable (Runtime_V1_ContainerEventResponse) async throws -> Void)
        async throws(CtrError)
    {
        try await call {
            try await runtime.getContainerEvents(Runtime_V1_GetEventsRequest(), options: unbounded) { response in
                for try await event in response.messages { try await body(event) }
            }
        }
    }
}
