import ArgumentParser
import Client
import Core

/// `ctr namespaces label NAME [key=value…]`: sets labels; `key=` removes one. Prints the result.
struct NamespacesLabel: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "label", abstract: "Set and clear labels for a namespace.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Argument(help: "The namespace.", completion: .custom(Completions.namespaces))
    var name: String

    @Argument(help: "Labels, as key=value (key= clears the label).")
    var labels: [String] = []

    func validate() throws {
        _ = try parseLabels(labels)
    }

    func run(client: ContainerdClient) async throws {
        let changes = try parseLabels(labels)
        if changes.isEmpty {
            printOut(formatLabels(try await client.getNamespace(name).labels))
            return
        }
        let paths = changes.keys.sorted().map { "labels.\($0)" }
        let kept = changes.filter { !$0.value.isEmpty }
        let updated = try await client.updateNamespace(Namespace(name: name, labels: kept), paths: paths)
        printOut(formatLabels(updated.labels))
    }
}
