import Archive
import ArgumentParser
import Client
import CRIClient
import Core
import Glibc

/// `ctr cri save OUT REF…`: exports images of namespace `k8s.io` to an OCI archive (also a Docker
/// archive) over the containerd API. References may be names, short names or image IDs.
struct CRISave: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "save", abstract: "Save images to an OCI archive (from namespace k8s.io).")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: .long, help: ArgumentHelp("Platform to save (repeatable; default linux/amd64).", valueName: "os/arch"))
    var platform: [String] = []
    @Argument(help: "The archive to write, or - for standard output.", completion: .file()) var output: String
    @Argument(help: "Images to save.", completion: .custom(CRICompletions.images)) var references: [String]

    func validate() throws {
        if references.isEmpty { throw ValidationError("at least one image is required") }
    }

    func run() async throws {
        let names = try await CRIImageNames.resolve(references, cri: cri)
        try await cri.withContainerd { client in
            var images: [Image] = []
            for name in names { images.append(try await client.getImage(name)) }
            let fd: Int32 = output == "-" ? 1 : open(output + ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CtrError.internalError("create \(output): \(Errno.current)") }
            do {
                try await ImageExport(content: GRPCContentIngester(client: client), platforms: PlatformMatcher(platforms: platform))
                    .run(images, to: TarWriter(fd: fd, path: output))
            } catch {
                if fd != 1 {
                    close(fd)
                    unlink(output + ".tmp")
                }
                throw error
            }
            if fd != 1 {
                guard fsync(fd) == 0, close(fd) == 0, rename(output + ".tmp", output) == 0 else {
                    throw CtrError.internalError("write \(output): \(Errno.current)")
                }
            }
        }
    }
}

/// Containerd image names for CRI references: the runtime resolves IDs and short names to the
/// image's tags; what it does not know is normalized (`busybox` → `docker.io/library/busybox:latest`).
enum CRIImageNames {
    static func resolve(_ references: [String], cri: CRIOptions) async throws -> [String] {
        let statuses = try? await cri.withImages { client in
            var found: [String: String] = [:]
            for reference in references {
                if let status = try? await client.imageStatus(reference, verbose: false), status.hasImage {
                    found[reference] = status.image.repoTags.first ?? status.image.repoDigests.first
                }
            }
            return found
        }
        return try references.map { reference in
            if let name = statuses?[reference] { return name }
            return try Reference(parsing: reference).description
        }
    }
}
