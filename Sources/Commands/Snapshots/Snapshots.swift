import ArgumentParser
import Client
import Core

/// `ctr snapshots`: the daemon's snapshotters.
struct SnapshotsGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshots", abstract: "Manage snapshots.",
        subcommands: [SnapshotsList.self, SnapshotsInfo.self, SnapshotsTree.self, SnapshotsUsage.self,
                      SnapshotsPrepare.self, SnapshotsView.self, SnapshotsMounts.self, SnapshotsCommit.self,
                      SnapshotsRemove.self, SnapshotsLabel.self],
        aliases: ["snapshot"])
}

/// `--snapshotter` (env `CONTAINERD_SNAPSHOTTER`, default overlayfs).
struct SnapshotterOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The snapshotter (env CONTAINERD_SNAPSHOTTER).", valueName: "name"))
    var snapshotter: String = UnpackOptions.defaultSnapshotter
}

/// Mounts as shell commands, like containerd's `ctr snapshots mounts`.
func mountCommands(_ mounts: [Mount], target: String) -> String {
    mounts.map { mount in
        "mount -t \(mount.type) \(mount.source) \(target)" + (mount.options.isEmpty ? "" : " -o " + mount.options.joined(separator: ","))
    }.joined(separator: "\n")
}

struct SnapshotsList: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List snapshots.", aliases: ["ls"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Flag(name: [.short, .long], help: "Print only the keys.") var quiet = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Argument(help: "Filters.") var filters: [String] = []

    func run(client: ContainerdClient) async throws {
        let infos = try await client.listSnapshots(options.snapshotter, filters: filters)
        if quiet {
            for info in infos { printOut(info.name) }
            return
        }
        let listing = Listing(headers: ["KEY", "PARENT", "KIND"],
                              rows: infos.map { [$0.name, $0.parent, $0.kind.rawValue] },
                              document: .array(infos.map(SnapshotsInfo.document)))
        printOut(listing.render(output))
    }
}

struct SnapshotsInfo: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Show a snapshot as JSON.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Argument(help: "The snapshot key.", completion: .custom(Completions.snapshots)) var key: String

    func run(client: ContainerdClient) async throws {
        printOut(Self.document(try await client.statSnapshot(options.snapshotter, key: key)).serialized(indent: 4))
    }

    static func document(_ info: SnapshotInfo) -> JSONValue {
        var fields: [(String, JSONValue)] = [("Kind", .string(info.kind.rawValue)), ("Name", .string(info.name))]
        if !info.parent.isEmpty { fields.append(("Parent", .string(info.parent))) }
        if !info.labels.isEmpty { fields.append(("Labels", .sortedObject(info.labels))) }
        fields.append(("Created", .string(RFC3339.format(info.createdAt))))
        fields.append(("Updated", .string(RFC3339.format(info.updatedAt))))
        return .object(fields)
    }
}

struct SnapshotsTree: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "tree", abstract: "Show snapshots as a tree of parents.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption

    func run(client: ContainerdClient) async throws {
        let infos = try await client.listSnapshots(options.snapshotter)
        var children: [String: [String]] = [:]
        for info in infos { children[info.parent, default: []].append(info.name) }
        var lines: [String] = []
        func walk(_ name: String, depth: Int) {
            lines.append(String(repeating: "  ", count: depth) + (depth == 0 ? " " : "\\_ ") + name)
            for child in (children[name] ?? []).sorted() { walk(child, depth: depth + 1) }
        }
        for root in (children[""] ?? []).sorted() { walk(root, depth: 0) }
        if !lines.isEmpty { printOut(lines.joined(separator: "\n")) }
    }
}

struct SnapshotsUsage: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "usage", abstract: "Show disk usage of snapshots.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Flag(name: .customShort("b"), help: "Show sizes in bytes.") var bytes = false
    @Argument(help: "Snapshot keys (default: all).", completion: .custom(Completions.snapshots)) var keys: [String] = []

    func run(client: ContainerdClient) async throws {
        let names = keys.isEmpty ? try await client.listSnapshots(options.snapshotter).map(\.name) : keys
        var rows: [[String]] = []
        for name in names {
            let usage = try await client.snapshotUsage(options.snapshotter, key: name)
            rows.append([name, bytes ? String(usage.size) : humanSize(usage.size), String(usage.inodes)])
        }
        printOut(Table.render(headers: ["KEY", "SIZE", "INODES"], rows: rows))
    }
}
