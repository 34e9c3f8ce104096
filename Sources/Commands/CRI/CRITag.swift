import ArgumentParser
import Client
import CRIClient
import Core

/// `ctr cri tag SRC DST…`: gives an image of namespace `k8s.io` more names over the containerd API.
struct CRITag: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Tag an image with more names (in namespace k8s.io).")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(help: "Replace a target name that already exists.") var force = false
    @Argument(help: "The existing image (name, short name or ID).", completion: .custom(CRICompletions.images))
    var source: String
    @Argument(help: "New names.") var targets: [String]

    func validate() throws {
        if targets.isEmpty { throw ValidationError("at least one new name is required") }
        for target in targets { _ = try Reference(parsing: target) }
    }

    func run() async throws {
        let sourceName = try await CRIImageNames.resolve([source], cri: cri)[0]
        try await cri.withContainerd { client in
            let image = try await client.getImage(sourceName)
            for target in targets {
                var copy = image
                copy.name = try Reference(parsing: target).description
                if (try? await client.getImage(copy.name)) != nil {
                    guard force else { throw CtrError.alreadyExists("image \"\(copy.name)\" already exists (use --force)") }
                    _ = try await client.updateImage(copy, paths: ["target"])
                } else {
                    _ = try await client.createImage(copy)
                }
                printOut(copy.name)
            }
        }
    }
}
