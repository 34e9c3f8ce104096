import API
import ArgumentParser
import CRIClient
import Core
import YAML

/// `ctr cri events`: streams container lifecycle events (GetContainerEvents).
struct CRIEvents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events", abstract: "Stream container events.", aliases: ["event"])

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: [.short, .customLong("output")], help: "Output format: json or yaml (table prints json).")
    var output: OutputFormat = .json

    func run() async throws {
        let format = output
        try await cri.withRuntime(.none) { client in
            try await client.containerEvents { event in
                let document = CRIFormat.json(event, template: .object([
                    ("containerId", .string("")), ("containerEventType", .string("CONTAINER_CREATED_EVENT")),
                    ("createdAt", .string("0")),
                ]))
                printOut(format == .yaml ? "---\n" + YAML.render(document) : document.serialized())
                flushStandardOutput()
            }
        }
    }
}
