import ArgumentParser
import Client
import Core
import FoundationEssentials

/// `ctr containers`: container metadata (what to run); tasks are the running processes.
struct ContainersGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "containers", abstract: "Manage containers.",
        subcommands: [ContainersCreate.self, ContainersList.self, ContainersInfo.self, ContainersRemove.self, ContainersLabel.self],
        aliases: ["container", "c"])
}

struct ContainersList: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List containers.", aliases: ["ls"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Print only the container IDs.") var quiet = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Argument(help: "Filters.") var filters: [String] = []

    func run(client: ContainerdClient) async throws {
        let containers = try await client.listContainers(filters: filters)
        if quiet {
            for container in containers { printOut(container.id) }
            return
        }
        let listing = Listing(
            headers: ["CONTAINER", "IMAGE", "RUNTIME"],
            rows: containers.map { [$0.id, $0.image.isEmpty ? "-" : $0.image, $0.runtime.name] },
            document: .array(containers.map { ContainersInfo.document($0, spec: false) }))
        printOut(listing.render(output))
    }
}

struct ContainersInfo: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a container as JSON.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: .long, help: "Print only the OCI runtime spec.") var spec = false
    @Argument(help: "The container ID.", completion: .custom(Completions.containers)) var id: String

    func run(client: ContainerdClient) async throws {
        let container = try await client.getContainer(id)
        if spec {
            printOut(Self.specDocument(container).serialized(indent: 4))
        } else {
            printOut(Self.document(container, spec: true).serialized(indent: 4))
        }
    }

    /// The spec as JSON (containerd stores it as an Any holding the JSON text).
    static func specDocument(_ container: Container) -> JSONValue {
        guard let spec = container.spec else { return .null }
        return (try? JSONValue.parse(String(decoding: spec.value, as: UTF8.self))) ?? .string(spec.typeURL)
    }

    static func document(_ container: Container, spec: Bool) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("ID", .string(container.id)),
            ("Labels", .sortedObject(container.labels)),
            ("Image", .string(container.image)),
            ("Runtime", .object([("Name", .string(container.runtime.name))])),
            ("SnapshotKey", .string(container.snapshotKey)),
            ("Snapshotter", .string(container.snapshotter)),
            ("CreatedAt", .string(RFC3339.format(container.createdAt))),
            ("UpdatedAt", .string(RFC3339.format(container.updatedAt))),
        ]
        if spec { fields.append(("Spec", specDocument(container))) }
        return .object(fields)
    }
}

struct ContainersRemove: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete containers (and their snapshots).", aliases: ["rm", "remove", "del"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: .customLong("keep-snapshot"), help: "Keep the container's snapshot.") var keepSnapshot = false
    @Argument(help: "Container IDs.", completion: .custom(Completions.containers)) var ids: [String]

    func run(client: ContainerdClient) async throws {
        try await removeEach(ids, kind: "container ") { id in
            let container = try await client.getContainer(id)
            try await client.deleteContainer(id)
            if !keepSnapshot && !container.snapshotKey.isEmpty {
                do {
                    try await client.removeSnapshot(container.snapshotter, key: container.snapshotKey)
                } catch where CtrError.is(error, .notFound) {}
            }
        }
    }
}

struct ContainersLabel: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "label", abstract: "Set or clear labels of a container (key= clears).")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The container ID.", completion: .custom(Completions.containers)) var id: String
    @Argument(help: "Labels, as key=value.") var labels: [String] = []

    func validate() throws { _ = try parseLabels(labels) }

    func run(client: ContainerdClient) async throws {
        let changes = try parseLabels(labels)
        var container = try await client.getContainer(id)
        if changes.isEmpty {
            printOut(formatLabels(container.labels))
            return
        }
        container.labels = changes.filter { !$0.value.isEmpty }
        let updated = try await client.updateContainer(container, paths: changes.keys.sorted().map { "labels.\($0)" })
        printOut(formatLabels(updated.labels))
    }
}
