import Client
import Core

/// Live completions: ask the daemon named on the command line (or by the environment) with a
/// short deadline, and offer nothing when it does not answer.
enum Completions {
    @Sendable static func namespaces(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        guard let names = try? await withQuickClient(arguments, { client in
            try await client.listNamespaces().map(\.name)
        }) else { return [] }
        return names.filter { $0.hasPrefix(prefix) }
    }

    static func withQuickClient<T: Sendable>(
        _ arguments: [String], _ body: @escaping (ContainerdClient) async throws -> T
    ) async throws -> T {
        var address = Environment.value("CONTAINERD_ADDRESS") ?? Endpoint.defaultDaemon
        var namespace = Environment.value("CONTAINERD_NAMESPACE") ?? Namespace.defaultName
        for (index, argument) in arguments.enumerated() where index + 1 < arguments.count {
            if argument == "--address" || argument == "-a" { address = arguments[index + 1] }
            if argument == "--namespace" || argument == "-n" { namespace = arguments[index + 1] }
        }
        let options = ConnectionOptions(endpoint: try Endpoint(address), timeout: .seconds(1))
        return try await Connection.with(options) { connection in
            try await body(ContainerdClient(connection: connection, namespace: namespace))
        }
    }
}
