import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri images [REF]`: lists images like `crictl images`.
struct CRIImages: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "images", abstract: "List images.", aliases: ["img"])

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Only show image IDs.") var quiet = false
    @Flag(name: [.short, .long], help: "Verbose output.") var verbose = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Flag(help: "Show digests.") var digests = false
    @Flag(name: .customLong("no-trunc"), help: "Show the full output.") var noTrunc = false
    @Argument(help: "Only images matching this reference.", completion: .custom(CRICompletions.images)) var reference: String?

    func run() async throws {
        let images = try await cri.withImages { try await $0.listImages(reference: reference) }
        if quiet {
            var seen: Set<String> = []
            for image in images where seen.insert(image.id).inserted { printOut(image.id) }
            return
        }
        switch output {
        case .json, .yaml:
            printOut(CRIFormat.render(CRIFormat.json(Runtime_V1_ListImagesResponse.with { $0.images = images },
                                                      template: .object([("images", .array([CRIFormat.imageTemplate]))])), output))
        case .table where verbose:
            printOut(images.map(Self.verboseText).joined(separator: "\n"))
        case .table:
            var rows: [[String]] = []
            for image in images {
                let digest = image.repoDigests.first.map { Self.split($0, separator: "@").1 } ?? "<none>"
                let tags = image.repoTags.isEmpty
                    ? [(image.repoDigests.first.map { Self.split($0, separator: "@").0 } ?? "<none>", "<none>")]
                    : image.repoTags.map { Self.split($0, separator: ":") }
                for (repository, tag) in tags {
                    var row = [repository, tag]
                    if digests { row.append(CRIFormat.imageID(digest, noTrunc: noTrunc)) }
                    row += [CRIFormat.imageID(image.id, noTrunc: noTrunc), CRIFormat.size(image.size)]
                    if image.pinned && verbose { row.append("true") }
                    rows.append(row)
                }
            }
            let headers = ["IMAGE", "TAG"] + (digests ? ["DIGEST"] : []) + ["IMAGE ID", "SIZE"]
            printOut(Table.render(headers: headers, rows: rows))
        }
    }

    /// `repo:tag` at the last separator that is not part of a registry port; `<none>` when absent.
    static func split(_ reference: String, separator: Character) -> (String, String) {
        guard let index = reference.lastIndex(of: separator), !reference[index...].contains("/") else {
            return (reference, "<none>")
        }
        return (String(reference[..<index]), String(reference[reference.index(after: index)...]))
    }

    static func verboseText(_ image: Runtime_V1_Image) -> String {
        var lines = ["ID: \(image.id)"]
        lines += image.repoTags.map { "RepoTags: \($0)" } + image.repoDigests.map { "RepoDigests: \($0)" }
        lines.append("Size: \(image.size)")
        if image.hasUid { lines.append("Uid: \(image.uid.value)") }
        if !image.username.isEmpty { lines.append("Username: \(image.username)") }
        if image.pinned { lines.append("Pinned: true") }
        return lines.joined(separator: "\n") + "\n"
    }
}
