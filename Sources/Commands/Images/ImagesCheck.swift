import ArgumentParser
import Client
import Core

/// `ctr images check [FILTER…]`: whether each image's content (for the default platform) is all
/// in the content store.
struct ImagesCheck: ClientCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Check that an image's content is all present.")

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @Flag(name: [.short, .long], help: "Print only the names of complete images.") var quiet = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Argument(help: "Filters, e.g. name==….") var filters: [String] = []

    func run(client: ContainerdClient) async throws {
        let images = try await client.listImages(filters: filters)
        var rows: [[String]] = []
        var documents: [JSONValue] = []
        for image in images {
            let reference = try (try? Reference(parsing: image.name)) ?? Reference(parsing: "image")
            let (present, required, missing) = await Self.walk(client, image.target, PlatformMatcher(), reference)
            let status = missing.isEmpty ? "complete" : "incomplete"
            if quiet {
                if missing.isEmpty { printOut(image.name) }
                continue
            }
            rows.append([image.name, image.target.mediaType, image.target.digest.description,
                         "\(status) (\(present)/\(required))"])
            documents.append(.object([
                ("name", .string(image.name)), ("digest", .string(image.target.digest.description)),
                ("status", .string(status)), ("present", .integer(Int64(present))), ("required", .integer(Int64(required))),
                ("missing", .array(missing.map { .string($0.description) })),
            ]))
        }
        if !quiet {
            printOut(Listing(headers: ["REF", "TYPE", "DIGEST", "STATUS"], rows: rows, document: .array(documents))
                .render(output))
        }
    }

    /// Counts the blobs the image needs for `platforms` and which are missing.
    static func walk(_ client: ContainerdClient, _ descriptor: Descriptor, _ platforms: PlatformMatcher,
                     _ reference: Reference) async
        -> (present: Int, required: Int, missing: [Digest])
    {
        guard (try? await client.contentInfo(descriptor.digest)) != nil else { return (0, 1, [descriptor.digest]) }
        var result = (present: 1, required: 1, missing: [Digest]())
        guard MediaType.isIndex(descriptor.mediaType) || MediaType.isManifest(descriptor.mediaType),
              let bytes = try? await client.readBlob(descriptor.digest),
              let document = try? JSONValue.parse(String(decoding: bytes, as: UTF8.self))
        else { return result }
        var children: [Descriptor] = []
        if case .array(let manifests)? = document["manifests"] {
            for entry in manifests where platforms.matches(entry) {
                if let child = try? ImagePull.descriptor(entry, in: reference) { children.append(child) }
            }
        }
        if let entry = document["config"], let child = try? ImagePull.descriptor(entry, in: reference) {
            children.append(child)
        }
        if case .array(let layers)? = document["layers"] {
            for entry in layers {
                if let child = try? ImagePull.descriptor(entry, in: reference) { children.append(child) }
            }
        }
        for child in children {
            let sub = await walk(client, child, platforms, reference)
            result.present += sub.present
            result.required += sub.required
            result.missing += sub.missing
        }
        return result
    }
}
