import API
import GRPCCore

/// `grpc.health.v1.Health`: the daemon, and each service it serves, report SERVING.
struct HealthGRPC: Grpc_Health_V1_Health.SimpleServiceProtocol {
    let services: Set<String>

    func check(request: Grpc_Health_V1_HealthCheckRequest, context: ServerContext) async throws
        -> Grpc_Health_V1_HealthCheckResponse
    {
        guard request.service.isEmpty || services.contains(request.service) else {
            throw RPCError(code: .notFound, message: "service \"\(request.service)\" is not served here")
        }
        return .with { $0.status = .serving }
    }

    func watch(
        request: Grpc_Health_V1_HealthCheckRequest, response: RPCWriter<Grpc_Health_V1_HealthCheckResponse>,
        context: ServerContext
    ) async throws {
        let known = request.service.isEmpty || services.contains(request.service)
        try await response.write(.with { $0.status = known ? .serving : .serviceUnknown })
        // The status never changes while the daemon runs: hold the stream until the client leaves
        // or the daemon begins to stop (so a watcher never delays shutdown).
        await ServerShutdown.wait()
    }
}

struct HealthPlugin: PluginInstance {
    let services: Set<String>
    var rpcServices: [any RegistrableRPCService] { [HealthGRPC(services: services)] }
    var serviceNames: [String] { [Grpc_Health_V1_Health.descriptor.fullyQualifiedService] }

    /// Loaded after every other plugin, so it knows what the daemon serves.
    static let registration = PluginRegistration(type: .grpc, id: "healthcheck", requires: [.all]) { context in
        HealthPlugin(services: Set(context.servedServiceNames + [Grpc_Health_V1_Health.descriptor.fullyQualifiedService]))
    }
}
