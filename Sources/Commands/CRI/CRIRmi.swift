import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri rmi REF…`: removes images; `--prune` removes those no container uses and `-a` all,
/// never the runtime's sandbox (pause) image nor pinned images.
struct CRIRmi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rmi", abstract: "Remove one or more images.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Remove all images (but the sandbox image and pinned ones).") var all = false
    @Flag(name: [.short, .long], help: "Remove all images not used by any container.") var prune = false
    @Argument(help: "Image references or IDs.", completion: .custom(CRICompletions.images)) var ids: [String] = []

    func validate() throws {
        if ids.isEmpty && !all && !prune { throw ValidationError("ID cannot be empty") }
    }

    func run() async throws {
        try await cri.withImages(.lifecycle) { client in
            var targets: [Runtime_V1_Image] = []
            if all || prune {
                targets = try await removable(client)
            }
            try await forEachCRIObject(ids, "getting the status of the image") { id in
                let status = try await client.imageStatus(id, verbose: false)
                guard status.hasImage else { throw CtrError.notFound("no such image \"\(id)\" present") }
                if !targets.contains(where: { $0.id == status.image.id }) { targets.append(status.image) }
            }
            try await forEachCRIObject(targets.map(\.id), "removing the image") { id in
                try await client.removeImage(id)
                let image = targets.first { $0.id == id }
                let names = image?.repoTags.isEmpty == false ? image?.repoTags ?? [] : [id]
                for name in names { printOut("Deleted: \(name)") }
            }
        }
    }

    /// Images -a or --prune may remove.
    func removable(_ client: CRIClient) async throws -> [Runtime_V1_Image] {
        let images = try await client.listImages()
        let sandboxImage = try? await client.sandboxImage()
        var used: Set<String> = []
        if prune {
            let containers = try await cri.withRuntime { try await $0.listContainers() }
            for container in containers {
                used.formUnion([container.imageRef, container.imageID, container.image.image].filter { !$0.isEmpty })
            }
        }
        return images.filter { image in
            if image.pinned { return false }
            if let sandboxImage, image.repoTags.contains(sandboxImage) || image.repoDigests.contains(sandboxImage)
                || image.id == sandboxImage
            {
                return false
            }
            if prune {
                let names = [image.id] + image.repoTags + image.repoDigests
                if names.contains(where: used.contains) { return false }
            }
            return true
        }
    }
}
