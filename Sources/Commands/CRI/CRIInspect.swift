import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri inspect ID…`: container status with the runtime's verbose info.
struct CRIInspect: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Display the status of one or more containers.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: [.short, .customLong("output")], help: "Output format: json, yaml or table.")
    var output: OutputFormat = .json
    @Argument(help: "Container IDs.", completion: .custom(CRICompletions.containers)) var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("ID cannot be empty") }
    }

    func run() async throws {
        try await cri.withRuntime { client in
            try await forEachCRIObject(ids, "getting the status of the container") { id in
                let response = try await client.containerStatus(id, verbose: output != .table)
                if output == .table {
                    printOut(Self.table(response.status))
                } else {
                    printOut(CRIFormat.render(CRIFormat.statusInfo(CRIFormat.json(response.status, template: CRIFormat.containerStatusTemplate), info: response.info), output))
                }
            }
        }
    }

    static func table(_ status: Runtime_V1_ContainerStatus) -> String {
        var lines = [
            "ID: \(status.id)", "Name: \(status.metadata.name)",
            "State: \(Runtime_V1_ContainerState.name(status.state))",
            "Created: \(CRIFormat.age(nanos: status.createdAt))",
        ]
        if status.startedAt > 0 { lines.append("Started: \(CRIFormat.age(nanos: status.startedAt))") }
        if status.state == .containerExited {
            lines.append("Finished: \(CRIFormat.age(nanos: status.finishedAt))")
            lines.append("Exit Code: \(status.exitCode)")
        }
        lines.append("Image: \(status.image.image)")
        if !status.imageRef.isEmpty { lines.append("Image Ref: \(status.imageRef)") }
        if !status.logPath.isEmpty { lines.append("Log Path: \(status.logPath)") }
        lines += CRIFormat.labelLines("Labels", status.labels) + CRIFormat.labelLines("Annotations", status.annotations)
        return lines.joined(separator: "\n")
    }
}
