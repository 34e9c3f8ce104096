import ArgumentParser
import Core
import YAML

/// `ctr cri version`: the runtime's name and versions, as crictl prints them.
struct CRIVersion: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version", abstract: "Display runtime version information.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run() async throws {
        let response = try await cri.withRuntime { try await $0.version() }
        switch output {
        case .table:
            printOut("""
                Version:  \(response.version)
                RuntimeName:  \(response.runtimeName)
                RuntimeVersion:  \(response.runtimeVersion)
                RuntimeApiVersion:  \(response.runtimeApiVersion)
                """)
        case .json, .yaml:
            let document = JSONValue.object([
                ("version", .string(response.version)),
                ("runtimeName", .string(response.runtimeName)),
                ("runtimeVersion", .string(response.runtimeVersion)),
                ("runtimeApiVersion", .string(response.runtimeApiVersion)),
            ])
            printOut(output == .json ? document.serialized() : YAML.render(document))
        }
    }
}
