import ArgumentParser
import Client
import Core

/// `ctr namespaces rm NAME…`: removes empty namespaces; reports each failure and exits non-zero.
struct NamespacesRemove: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove one or more namespaces (they must be empty).",
        aliases: ["rm"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Argument(help: "Namespaces to remove.", completion: .custom(Completions.namespaces))
    var names: [String]

    func run(client: ContainerdClient) async throws {
        try await removeEach(names, kind: "namespace ") { try await client.deleteNamespace($0) }
    }
}
