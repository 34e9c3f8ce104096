import ArgumentParser
import Client
import Core

/// `ctr namespaces create NAME [key=value…]`.
struct NamespacesCreate: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a new namespace.", aliases: ["c"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Argument(help: "The namespace's name.")
    var name: String

    @Argument(help: "Labels, as key=value.")
    var labels: [String] = []

    func validate() throws {
        _ = try parseLabels(labels)
    }

    func run(client: ContainerdClient) async throws {
        try await client.createNamespace(Namespace(name: name, labels: try parseLabels(labels)))
    }
}
