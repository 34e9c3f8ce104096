import ArgumentParser
import Client
import Core

/// `ctr run IMAGE ID [CMD…]`: create a container from an image and run its task.
struct RunCommand: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run a container from an image.",
        discussion: "The exit status of the container's process becomes ctr's.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup(title: "Container Options") var options: ContainerOptions
    @Flag(name: .long, help: "Remove the container and its snapshot when the task exits.") var rm = false
    @Flag(name: [.short, .long], help: "Start the task and return (no stdio).") var detach = false
    @Argument(help: "The image (as listed by ctr images ls).", completion: .custom(Completions.images)) var image: String
    @Argument(help: "The container ID.") var id: String
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (default: the image's).")
    var args: [String] = []

    func validate() throws {
        if rm && detach { throw ValidationError("--rm and --detach cannot be used together") }
        try Identifier.validate(id, kind: "container")
    }

    func run(client: ContainerdClient) async throws {
        let container = try await options.createContainer(client: client, imageName: image, id: id, args: args)
        let status: UInt32
        do {
            status = try await TaskRunner.runTask(client: client, container: container, tty: options.tty, detach: detach)
        } catch {
            if rm { await Self.remove(client: client, container: container) }
            throw error
        }
        if detach { return }
        try? await client.deleteTask(id)
        if rm { await Self.remove(client: client, container: container) }
        if status != 0 { throw ExitCode(Int32(status)) }
    }

    static func remove(client: ContainerdClient, container: Container) async {
        try? await client.deleteTask(container.id)
        try? await client.deleteContainer(container.id)
        if !container.snapshotKey.isEmpty {
            try? await client.removeSnapshot(container.snapshotter, key: container.snapshotKey)
        }
    }
}
