import Archive
import ArgumentParser
import Client
import CRIClient
import Core

/// `ctr cri load ARCHIVE…`: imports OCI or Docker archives into namespace `k8s.io` over the
/// containerd API and unpacks them, so the CRI runtime sees them (crictl has no such command).
struct CRILoad: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load", abstract: "Load images from OCI or Docker archives (into namespace k8s.io).",
        discussion: "Uses the containerd API on the runtime endpoint, as \"ctr -n k8s.io images import\" does.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: .long, help: ArgumentHelp("Snapshotter to unpack into (env CONTAINERD_SNAPSHOTTER).", valueName: "name"))
    var snapshotter: String = UnpackOptions.defaultSnapshotter
    @Option(name: .customLong("base-name"), help: "Repository to prefix bare tags with.") var baseName: String?
    @Argument(help: "Archives to load.", completion: .file()) var archives: [String]

    func validate() throws {
        if archives.isEmpty { throw ValidationError("at least one archive is required") }
    }

    func run() async throws {
        try await cri.withContainerd { client in
            for path in archives {
                let archive = try TarReader(path: path)
                let images = try await client.withTemporaryLease(prefix: "ctr-cri-load-") { leased in
                    let images = try await ImageImport(store: GRPCContentIngester(client: leased), baseName: baseName)
                        .run(archive)
                    for image in images { try await client.putImage(image) }
                    return images
                }
                for image in images {
                    try await client.withTemporaryLease(prefix: "ctr-cri-unpack-") { leased in
                        try await UnpackOptions.unpack(image, snapshotter: snapshotter, client: leased,
                                                       platforms: PlatformMatcher(), quiet: true)
                    }
                    printOut("Loaded image: \(image.name)")
                }
            }
        }
    }
}
