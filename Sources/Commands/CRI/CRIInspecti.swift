import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri inspecti REF…`: image status with the runtime's verbose info.
struct CRIInspecti: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspecti", abstract: "Return the status of one or more images.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: [.short, .customLong("output")], help: "Output format: json, yaml or table.")
    var output: OutputFormat = .json
    @Argument(help: "Image references or IDs.", completion: .custom(CRICompletions.images)) var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("ID cannot be empty") }
    }

    func run() async throws {
        try await cri.withImages { client in
            try await forEachCRIObject(ids, "getting the status of the image") { id in
                let response = try await client.imageStatus(id, verbose: output != .table)
                guard response.hasImage else { throw CtrError.notFound("no such image \"\(id)\" present") }
                if output == .table {
                    printOut(CRIImages.verboseText(response.image))
                } else {
                    printOut(CRIFormat.render(CRIFormat.statusInfo(CRIFormat.json(response.image, template: CRIFormat.imageTemplate), info: response.info), output))
                }
            }
        }
    }
}
