import Client
import CRIClient
import Core

/// Live completions of pod and container IDs and image references from the CRI runtime named on
/// the command line (or by the environment), with a one-second deadline; nothing on error.
enum CRICompletions {
    @Sendable static func pods(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, images: false) { try await $0.listPodSandbox().map(\.id) }.filter { $0.hasPrefix(prefix) }
    }

    @Sendable static func containers(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, images: false) { try await $0.listContainers().map(\.id) }.filter { $0.hasPrefix(prefix) }
    }

    @Sendable static func images(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, images: true) { client in
            try await client.listImages().flatMap { $0.repoTags.isEmpty ? [$0.id] : $0.repoTags }
        }.filter { $0.hasPrefix(prefix) }
    }

    static func ask(_ arguments: [String], images: Bool, _ body: (CRIClient) async throws -> [String]) async -> [String] {
        var runtime = Environment.value("CONTAINER_RUNTIME_ENDPOINT") ?? Endpoint.defaultDaemon
        var image = Environment.value("IMAGE_SERVICE_ENDPOINT")
        for (position, argument) in arguments.enumerated() where position + 1 < arguments.count {
            if argument == "--runtime-endpoint" || argument == "-r" { runtime = arguments[position + 1] }
            if argument == "--image-endpoint" || argument == "-i" { image = arguments[position + 1] }
        }
        let address = images ? image ?? runtime : runtime
        guard let endpoint = try? Endpoint(address) else { return [] }
        let result = try? await Connection.with(ConnectionOptions(endpoint: endpoint, timeout: .seconds(1))) { connection in
            try await body(CRIClient(connection: connection))
        }
        return result ?? []
    }
}
