import ArgumentParser
import Client
import Core

/// `ctr namespaces ls [-q] [-o FORMAT]`.
struct NamespacesList: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List namespaces.", aliases: ["ls"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Flag(name: [.short, .long], help: "Print only the namespace names.")
    var quiet = false

    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run(client: ContainerdClient) async throws {
        let namespaces = try await client.listNamespaces()
        if quiet {
            for namespace in namespaces { printOut(namespace.name) }
            return
        }
        let listing = Listing(
            headers: ["NAME", "LABELS"],
            rows: namespaces.map { [$0.name, formatLabels($0.labels)] },
            document: .array(namespaces.map { .object([("name", .string($0.name)), ("labels", .sortedObject($0.labels))]) }))
        printOut(listing.render(output))
    }
}
