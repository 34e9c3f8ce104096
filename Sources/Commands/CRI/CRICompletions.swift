import Client
import CRIClient
import Core

/// Live completions of pod and container IDs and image references from the CRI runtime named on
/// the command line (or by the environment), with a short deadline; nothing on error. The runtime
/// is found as the commands find it: `-r`, CONTAINER_RUNTIME_ENDPOINT, `--address` (a `-a` written
/// before `cri`), CONTAINERD_ADDRESS, the default socket.
enum CRICompletions {
    @Sendable static func pods(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, images: false) { try await $0.listPodSandbox().map(\.id) }.filter { $0.hasPrefix(prefix) }.sorted()
    }

    @Sendable static func containers(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, images: false) { try await $0.listContainers().map(\.id) }.filter { $0.hasPrefix(prefix) }.sorted()
    }

    @Sendable static func images(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, images: true) { client in
            try await client.listImages().flatMap { $0.repoTags.isEmpty ? [$0.id] : $0.repoTags }
        }.filter { $0.hasPrefix(prefix) }
    }

    static func ask(_ arguments: [String], images: Bool, _ body: (CRIClient) async throws -> [String]) async -> [String] {
        // The line's endpoints, resolved as the commands resolve them (CRIEndpointOptions).
        var endpoints = LineEndpoints()
        for (position, argument) in arguments.enumerated() where position + 1 < arguments.count {
            if argument == "--runtime-endpoint" || argument == "-r" { endpoints.runtimeEndpoint = arguments[position + 1] }
            if argument == "--image-endpoint" || argument == "-i" { endpoints.imageEndpoint = arguments[position + 1] }
            if argument == "--address" { endpoints.address = arguments[position + 1] }
        }
        guard let endpoint = try? Endpoint(images ? endpoints.imageAddress : endpoints.runtimeAddress) else { return [] }
        let options = ConnectionOptions(endpoint: endpoint, timeout: Completions.deadline)
        let result = try? await Connection.with(options) { connection in
            try await body(CRIClient(connection: connection))
        }
        return result ?? []
    }
}

/// The endpoints written on a line being completed.
private struct LineEndpoints: CRIEndpointOptions {
    var runtimeEndpoint: String?
    var address: String?
    var imageEndpoint: String?
    var timeout: String? { nil }
}
