import ArgumentParser
import Core
import YAML

/// `ctr cri info`: the runtime's status conditions and, verbosely, its config.
struct CRIInfo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Display information of the container runtime.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions

    @Option(name: [.short, .customLong("output")], help: "Output format: json or yaml (table prints json).")
    var output: OutputFormat = .json

    func run() async throws {
        let response = try await cri.withRuntime { try await $0.status(verbose: true) }
        var fields: [(String, JSONValue)] = [
            ("status", .object([
                ("conditions", .array(response.status.conditions.map { condition in
                    .object([
                        ("type", .string(condition.type)),
                        ("status", .bool(condition.status)),
                        ("reason", .string(condition.reason)),
                        ("message", .string(condition.message)),
                    ])
                })),
            ])),
        ]
        for (key, value) in response.info.sorted(by: { $0.key < $1.key }) {
            // Verbose info values are JSON documents; keep them as text when they are not.
            fields.append((key, (try? JSONValue.parse(value)) ?? .string(value)))
        }
        let document = JSONValue.object(fields)
        printOut(output == .yaml ? YAML.render(document) : document.serialized())
    }
}
