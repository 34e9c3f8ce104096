import ArgumentParser
import Client
import Core

/// `ctr containers create IMAGE ID [CMD…]`.
struct ContainersCreate: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a container from an image.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup(title: "Container Options") var options: ContainerOptions
    @Argument(help: "The image (as listed by ctr images ls).", completion: .custom(Completions.images)) var image: String
    @Argument(help: "The container ID.") var id: String
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments (default: the image's).")
    var args: [String] = []

    func validate() throws { try Identifier.validate(id, kind: "container") }

    func run(client: ContainerdClient) async throws {
        _ = try await options.createContainer(client: client, imageName: image, id: id, args: args)
    }
}
