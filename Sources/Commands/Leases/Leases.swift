import ArgumentParser
import Client
import Core

/// `ctr leases`: leases that hold content and snapshots.
struct LeasesGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "leases", abstract: "Manage leases.",
        subcommands: [LeasesList.self, LeasesCreate.self, LeasesRemove.self], aliases: ["lease"])
}

struct LeasesList: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List leases.", aliases: ["ls"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Print only the lease IDs.") var quiet = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Argument(help: "Filters.") var filters: [String] = []

    func run(client: ContainerdClient) async throws {
        let leases = try await client.listLeases(filters: filters)
        if quiet {
            for lease in leases { printOut(lease.id) }
            return
        }
        let listing = Listing(
            headers: ["ID", "CREATED AT", "LABELS"],
            rows: leases.map { [$0.id, humanAge($0.createdAt) + " ago", formatLabels($0.labels)] },
            document: .array(leases.map { lease in
                .object([("id", .string(lease.id)), ("createdAt", .integer(lease.createdAt.seconds)),
                         ("labels", .sortedObject(lease.labels))])
            }))
        printOut(listing.render(output))
    }
}

struct LeasesCreate: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a lease.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Option(name: .long, help: "The lease's ID (default: generated).") var id: String?
    @Argument(help: "Labels, as key=value.") var labels: [String] = []

    func validate() throws { _ = try parseLabels(labels) }

    func run(client: ContainerdClient) async throws {
        let id = self.id ?? "lease-" + String(Timestamp.now.unixNanos, radix: 36)
        let lease = try await client.createLease(id: id, labels: try parseLabels(labels))
        printOut(lease.id)
    }
}

struct LeasesRemove: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove leases.", aliases: ["rm", "delete", "del"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "Lease IDs.", completion: .custom(Completions.leases)) var ids: [String]

    func run(client: ContainerdClient) async throws {
        try await removeEach(ids, kind: "lease ") { try await client.deleteLease($0) }
    }
}
