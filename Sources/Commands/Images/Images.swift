import ArgumentParser
import Client
import Core

/// `ctr images`: manage images.
struct ImagesGroup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "images", abstract: "Manage images.",
        subcommands: [ImagesPull.self, ImagesPush.self, ImagesImport.self, ImagesExport.self, ImagesCheck.self, ImagesList.self, ImagesRemove.self, ImagesTag.self, ImagesLabel.self],
        aliases: ["image", "i"])
}

/// What `images ls` shows beyond the record: platforms and the size of the content present,
/// read from the image's index, manifests and configs in the content store.
struct ImageSummary {
    var platforms: [String] = []
    var size: Int64 = 0

    static func compute(_ client: ContainerdClient, _ target: Descriptor) async -> ImageSummary {
        var summary = ImageSummary()
        summary.size = target.size
        guard let bytes = try? await client.readBlob(target.digest),
              let document = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self)) else { return summary }
        if MediaType.isIndex(target.mediaType) {
            guard case .array(let manifests)? = document["manifests"] else { return summary }
            for manifest in manifests {
                if let platform = manifest["platform"], case .string(let os)? = platform["os"],
                   case .string(let arch)? = platform["architecture"] {
                    var text = "\(os)/\(arch)"
                    if case .string(let variant)? = platform["variant"], !variant.isEmpty { text += "/\(variant)" }
                    summary.platforms.append(text)
                }
                if case .string(let digest)? = manifest["digest"], let parsed = try? Digest(parsing: digest),
                   case .string(let type)? = manifest["mediaType"], case .integer(let size)? = manifest["size"] {
                    let child = await compute(client, Descriptor(mediaType: type, digest: parsed, size: size))
                    summary.size += child.size
                }
            }
        } else if MediaType.isManifest(target.mediaType) {
            var blobs: [JSONValue] = []
            if let config = document["config"] { blobs.append(config) }
            if case .array(let layers)? = document["layers"] { blobs.append(contentsOf: layers) }
            for blob in blobs {
                guard case .string(let digest)? = blob["digest"], let parsed = try? Digest(parsing: digest),
                      case .integer(let size)? = blob["size"] else { continue }
                if (try? await client.contentInfo(parsed)) != nil { summary.size += size }
            }
            if case .string(let digest)? = document["config"]?["digest"], let parsed = try? Digest(parsing: digest),
               let config = try? await client.readBlob(parsed),
               let parsedConfig = try? JSONValue.parse(String(decoding: config, as: UTF8.self)),
               case .string(let os)? = parsedConfig["os"], case .string(let arch)? = parsedConfig["architecture"] {
                summary.platforms.append("\(os)/\(arch)")
            }
        }
        return summary
    }
}

struct ImagesList: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List images known to the daemon.", aliases: ["ls"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Print only the image references.") var quiet = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Argument(help: "Filters, e.g. name==docker.io/library/busybox:latest.") var filters: [String] = []

    func run(client: ContainerdClient) async throws {
        let images = try await client.listImages(filters: filters)
        if quiet {
            for image in images { printOut(image.name) }
            return
        }
        var rows: [[String]] = []
        var documents: [JSONValue] = []
        for image in images {
            let summary = await ImageSummary.compute(client, image.target)
            let platforms = summary.platforms.isEmpty ? "-" : summary.platforms.joined(separator: ",")
            let labels = image.labels.isEmpty ? "-" : formatLabels(image.labels)
            rows.append([image.name, image.target.mediaType, image.target.digest.description, humanSize(summary.size),
                         platforms, labels])
            documents.append(.object([
                ("name", .string(image.name)),
                ("target", .object([("mediaType", .string(image.target.mediaType)),
                                    ("digest", .string(image.target.digest.description)),
                                    ("size", .integer(image.target.size))])),
                ("size", .integer(summary.size)),
                ("platforms", .array(summary.platforms.map { .string($0) })),
                ("labels", .sortedObject(image.labels)),
            ]))
        }
        let listing = Listing(headers: ["REF", "TYPE", "DIGEST", "SIZE", "PLATFORMS", "LABELS"], rows: rows,
                              document: .array(documents))
        printOut(listing.render(output))
    }
}

struct ImagesRemove: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove one or more images by reference.", aliases: ["rm", "delete", "del"])

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(help: "Wait until the image's content is collected.") var sync = false
    @Argument(help: "Image references.", completion: .custom(Completions.images)) var references: [String]

    func run(client: ContainerdClient) async throws {
        try await removeEach(references, kind: "") { try await client.deleteImage($0, sync: sync) }
    }
}

struct ImagesTag: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag", abstract: "Tag an image: give SOURCE's target more names.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(help: "Replace a target name that already exists.") var force = false
    @Argument(help: "The existing image.", completion: .custom(Completions.images)) var source: String
    @Argument(help: "New names.") var targets: [String]

    func run(client: ContainerdClient) async throws {
        let image = try await client.getImageOrHint(source)
        for name in targets {
            var copy = image
            copy.name = name
            if force, (try? await client.getImage(name)) != nil {
                try await client.updateImage(copy, paths: ["target"])
            } else {
                try await client.createImage(copy)
            }
            printOut(name)
        }
    }
}

struct ImagesLabel: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "label", abstract: "Set and clear labels of an image.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Argument(help: "The image.", completion: .custom(Completions.images)) var name: String
    @Argument(help: "Labels, as key=value (key= clears the label).") var labels: [String] = []

    func validate() throws { _ = try parseLabels(labels) }

    func run(client: ContainerdClient) async throws {
        let changes = try parseLabels(labels)
        var image = try await client.getImage(name)
        if changes.isEmpty {
            printOut(formatLabels(image.labels))
            return
        }
        image.labels = changes.filter { !$0.value.isEmpty }
        let updated = try await client.updateImage(image, paths: changes.keys.sorted().map { "labels.\($0)" })
        printOut(formatLabels(updated.labels))
    }
}
