import ArgumentParser
import Client
import CRIClient
import Core

/// `ctr cri`: a CRI v1 client with crictl's verbs, for `ctr daemon` or any CRI runtime.
struct CRI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cri", abstract: "Talk to a CRI runtime (crictl's commands).",
        subcommands: [CRIVersion.self, CRIInfo.self])
}

/// crictl's connection options.
struct CRIOptions: ParsableArguments {
    @Option(name: [.short, .customLong("runtime-endpoint")], help: ArgumentHelp(
        "CRI runtime endpoint (env CONTAINER_RUNTIME_ENDPOINT; default unix://\(Endpoint.defaultDaemon)).",
        valueName: "endpoint"))
    var runtimeEndpoint: String?

    @Option(name: [.short, .customLong("image-endpoint")], help: ArgumentHelp(
        "CRI image endpoint (env IMAGE_SERVICE_ENDPOINT; default: the runtime endpoint).", valueName: "endpoint"))
    var imageEndpoint: String?

    @Option(name: .customLong("timeout"), help: ArgumentHelp("Timeout of each call (default 2s).",
                                                             valueName: "duration"))
    var timeout: String?

    func validate() throws {
        if let timeout { _ = try Durations.parse(timeout, option: "--timeout") }
    }

    var runtimeAddress: String {
        runtimeEndpoint ?? Environment.value("CONTAINER_RUNTIME_ENDPOINT") ?? Endpoint.defaultDaemon
    }

    var imageAddress: String {
        imageEndpoint ?? Environment.value("IMAGE_SERVICE_ENDPOINT") ?? runtimeAddress
    }

    private func options(_ address: String) throws -> ConnectionOptions {
        ConnectionOptions(
            endpoint: try Endpoint(address),
            timeout: try timeout.map { try Durations.parse($0, option: "--timeout") } ?? .seconds(2),
            unreachableHint: "is a CRI runtime listening there? (set --runtime-endpoint or CONTAINER_RUNTIME_ENDPOINT)")
    }

    func withRuntime<T: Sendable>(_ body: (CRIClient) async throws -> T) async throws -> T {
        try await Connection.with(try options(runtimeAddress)) { try await body(CRIClient(connection: $0)) }
    }

    func withImages<T: Sendable>(_ body: (CRIClient) async throws -> T) async throws -> T {
        try await Connection.with(try options(imageAddress)) { try await body(CRIClient(connection: $0)) }
    }
}
