import ArgumentParser
import Client
import Core

struct SnapshotsPrepare: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "prepare", abstract: "Prepare an active snapshot.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Option(name: .shortAndLong, help: "Mount target to show in the printed mount commands.") var target: String?
    @Flag(name: .long, help: "Print the mounts as shell commands.") var mounts = false
    @Argument(help: "The new snapshot's key.") var key: String
    @Argument(help: "The committed parent (none for an empty snapshot).", completion: .custom(Completions.snapshots)) var parent: String = ""

    func run(client: ContainerdClient) async throws {
        // A gc.root label keeps it until removed, as containerd's ctr does.
        let labels = [WellKnownLabels.gcRoot: RFC3339.format(.now)]
        let result = try await client.prepareSnapshot(options.snapshotter, key: key, parent: parent, labels: labels)
        if mounts || target != nil { printOut(mountCommands(result, target: target ?? "/tmp/mnt")) }
    }
}

struct SnapshotsView: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "view", abstract: "Create a read-only view of a snapshot.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Option(name: .shortAndLong, help: "Mount target to show in the printed mount commands.") var target: String?
    @Flag(name: .long, help: "Print the mounts as shell commands.") var mounts = false
    @Argument(help: "The view's key.") var key: String
    @Argument(help: "The committed parent.", completion: .custom(Completions.snapshots)) var parent: String

    func run(client: ContainerdClient) async throws {
        let labels = [WellKnownLabels.gcRoot: RFC3339.format(.now)]
        let result = try await client.viewSnapshot(options.snapshotter, key: key, parent: parent, labels: labels)
        if mounts || target != nil { printOut(mountCommands(result, target: target ?? "/tmp/mnt")) }
    }
}

struct SnapshotsMounts: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "mounts", abstract: "Print the mount commands of an active snapshot or view.", aliases: ["m", "mount"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Argument(help: "Where to mount.") var target: String
    @Argument(help: "The snapshot key.", completion: .custom(Completions.snapshots)) var key: String

    func run(client: ContainerdClient) async throws {
        printOut(mountCommands(try await client.snapshotMounts(options.snapshotter, key: key), target: target))
    }
}

struct SnapshotsCommit: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "commit", abstract: "Commit an active snapshot under a name.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Argument(help: "The committed snapshot's name.") var name: String
    @Argument(help: "The active snapshot's key.", completion: .custom(Completions.snapshots)) var key: String

    func run(client: ContainerdClient) async throws {
        let labels = [WellKnownLabels.gcRoot: RFC3339.format(.now)]
        try await client.commitSnapshot(options.snapshotter, name: name, key: key, labels: labels)
    }
}

struct SnapshotsRemove: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove snapshots.", aliases: ["rm", "delete", "del"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Argument(help: "Snapshot keys.", completion: .custom(Completions.snapshots)) var keys: [String]

    func run(client: ContainerdClient) async throws {
        try await removeEach(keys, kind: "snapshot ") { try await client.removeSnapshot(options.snapshotter, key: $0) }
    }
}

struct SnapshotsLabel: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "label", abstract: "Set or clear labels of a snapshot (key= clears).")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var options: SnapshotterOption
    @Argument(help: "The snapshot key.", completion: .custom(Completions.snapshots)) var key: String
    @Argument(help: "Labels, as key=value.") var labels: [String] = []

    func validate() throws { _ = try parseLabels(labels) }

    func run(client: ContainerdClient) async throws {
        let changes = try parseLabels(labels)
        var info = try await client.statSnapshot(options.snapshotter, key: key)
        if changes.isEmpty {
            printOut(formatLabels(info.labels))
            return
        }
        info.labels = changes.filter { !$0.value.isEmpty }
        let updated = try await client.updateSnapshot(options.snapshotter, info, paths: changes.keys.sorted().map { "labels.\($0)" })
        printOut(formatLabels(updated.labels))
    }
}
