public import Core
public import Client
import API
import GRPCCore
import GRPCNIOTransportHTTP2Posix

/// A CRI v1 client (`runtime.v1.RuntimeService`, `runtime.v1.ImageService`) for any CRI runtime:
/// `ctr daemon`, containerd, CRI-O.
public struct CRIClient: Sendable {
    public let connection: Connection

    public init(connection: Connection) {
        self.connection = connection
    }

    var runtime: Runtime_V1_RuntimeService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: connection.grpc) }
    var images: Runtime_V1_ImageService.Client<HTTP2ClientTransport.Posix> { .init(wrapping: connection.grpc) }

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
            try await runtime.version(.with { $0.version = "v1" }, options: connection.callOptions)
        }
    }

    public func status(verbose: Bool) async throws(CtrError) -> Runtime_V1_StatusResponse {
        try await call {
            try await runtime.status(.with { $0.verbose = verbose }, options: connection.callOptions)
        }
    }
}
