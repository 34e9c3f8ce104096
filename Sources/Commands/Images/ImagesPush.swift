import ArgumentParser
import Client
import Core
import Registry

/// `ctr images push REMOTE [LOCAL]`: uploads an image's blobs and manifests to a registry.
struct ImagesPush: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "push", abstract: "Push an image to a registry.",
        discussion: "Pushes LOCAL (default: REMOTE) under the name REMOTE. Blobs the registry has are skipped.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup(title: "Registry Options") var registryOptions: RegistryOptions
    @Flag(name: [.short, .long], help: "Print nothing but errors.") var quiet = false
    @Argument(help: "Where to push, e.g. 127.0.0.1:5000/team/app:v1.") var remote: String
    @Argument(help: "The local image (default: the remote name).", completion: .custom(Completions.images)) var local: String?

    func validate() throws {
        _ = try Reference(parsing: remote)
    }

    func run(client: ContainerdClient) async throws {
        let reference = try Reference(parsing: remote)
        let image = try await client.getImageOrHint(local ?? reference.description)
        let display = ProgressDisplay(quiet: quiet)
        let registry = try registryOptions.makeClient()
        let push = ImagePush(
            registry: registry,
            content: GRPCContentIngester(client: client),
            progress: { event in
                switch event {
                case .exists(let blob): display.update(blob, label: PullProgress.label(blob), state: .exists)
                case .mounted(let blob): display.update(blob, label: PullProgress.label(blob), state: .mounted)
                case .uploaded(let blob), .manifest(let blob):
                    display.update(blob, label: PullProgress.label(blob), state: .done)
                }
            })
        do {
            if try registry.hosts?.endpoints(for: reference.domain) == nil { try await registry.probe(reference) }
            try await push.run(image.target, to: reference)
        } catch {
            await registry.close()
            throw error
        }
        await registry.close()
        display.finish("\(reference): \(image.target.digest)")
    }
}
