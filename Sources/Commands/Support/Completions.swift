import Client
import Core

/// Live completions: ask the daemon named on the command line (or by the environment) with a
/// short deadline, and offer nothing when it does not answer.
enum Completions {
    /// How long a live completion may wait for the daemon before it offers nothing.
    static let deadline = Duration.milliseconds(500)

    @Sendable static func namespaces(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, prefix) { try await $0.listNamespaces().map(\.name) }
    }

    @Sendable static func images(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, prefix) { try await $0.listImages().map(\.name) }
    }

    @Sendable static func containers(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, prefix) { try await $0.listContainers().map(\.id) }
    }

    /// Containers with a task: what `tasks kill`, `exec`, `ps`, `pause`… act on.
    @Sendable static func tasks(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, prefix) { try await $0.listTasks().map(\.containerID) }
    }

    @Sendable static func snapshots(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        var snapshotter = Environment.value("CONTAINERD_SNAPSHOTTER") ?? UnpackOptions.defaultSnapshotter
        for (position, argument) in arguments.enumerated() where position + 1 < arguments.count {
            if argument == "--snapshotter" { snapshotter = arguments[position + 1] }
        }
        return await ask(arguments, prefix) { [snapshotter] in try await $0.listSnapshots(snapshotter).map(\.name) }
    }

    @Sendable static func content(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, prefix) { try await $0.listContent().map { "\($0.digest)" } }
    }

    @Sendable static func leases(_ arguments: [String], _ index: Int, _ prefix: String) async -> [String] {
        await ask(arguments, prefix) { try await $0.listLeases().map(\.id) }
    }

    /// The values the daemon returns that start with `prefix`, sorted; none on any error.
    static func ask(
        _ arguments: [String], _ prefix: String, _ body: @escaping @Sendable (ContainerdClient) async throws -> [String]
    ) async -> [String] {
        let values = try? await withQuickClient(arguments, body)
        return (values ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    static func withQuickClient<T: Sendable>(
        _ arguments: [String], _ body: @escaping (ContainerdClient) async throws -> T
    ) async throws -> T {
        // The line's -a and -n, resolved against the environment as every command resolves them.
        var address: String?
        var namespace: String?
        for (index, argument) in arguments.enumerated() where index + 1 < arguments.count {
            if argument == "--address" || argument == "-a" { address = arguments[index + 1] }
            if argument == "--namespace" || argument == "-n" { namespace = arguments[index + 1] }
            if argument.hasPrefix("--address=") { address = String(argument.dropFirst(10)) }
            if argument.hasPrefix("--namespace=") { namespace = String(argument.dropFirst(12)) }
        }
        let resolvedNamespace = GlobalOptions.namespace(given: namespace)
        let options = ConnectionOptions(endpoint: try Endpoint(GlobalOptions.address(given: address)), timeout: deadline)
        return try await Connection.with(options) { connection in
            try await body(ContainerdClient(connection: connection, namespace: resolvedNamespace))
        }
    }
}
