import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri inspectp ID…`: pod sandbox status with the runtime's verbose info.
struct CRIInspectp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspectp", abstract: "Display the status of one or more pods.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: [.short, .customLong("output")], help: "Output format: json, yaml or table.")
    var output: OutputFormat = .json
    @Argument(help: "Pod IDs.", completion: .custom(CRICompletions.pods)) var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("ID cannot be empty") }
    }

    func run() async throws {
        try await cri.withRuntime { client in
            try await forEachCRIObject(ids, "getting the pod sandbox status of") { id in
                let response = try await client.podSandboxStatus(id, verbose: output != .table)
                if output == .table {
                    printOut(Self.table(response.status))
                    return
                }
                var extra: [(String, JSONValue)] = []
                if !response.containersStatuses.isEmpty {
                    extra.append(("containers", .array(response.containersStatuses.map { CRIFormat.json($0, template: CRIFormat.containerStatusTemplate) })))
                }
                let document = CRIFormat.statusInfo(CRIFormat.json(response.status, template: CRIFormat.podStatusTemplate), info: response.info, extra: extra)
                printOut(CRIFormat.render(document, output))
            }
        }
    }

    static func table(_ status: Runtime_V1_PodSandboxStatus) -> String {
        var lines = [
            "ID: \(status.id)", "Name: \(status.metadata.name)", "UID: \(status.metadata.uid)",
            "Namespace: \(status.metadata.namespace)", "Attempt: \(status.metadata.attempt)",
            "Status: \(status.state == .sandboxReady ? "SANDBOX_READY" : "SANDBOX_NOTREADY")",
            "Created: \(RFC3339.format(Timestamp(unixNanos: status.createdAt)))",
        ]
        if !status.network.ip.isEmpty {
            lines.append("IP Addresses: " + ([status.network.ip] + status.network.additionalIps.map(\.ip)).joined(separator: ", "))
        }
        if !status.runtimeHandler.isEmpty { lines.append("Runtime: \(status.runtimeHandler)") }
        lines += CRIFormat.labelLines("Labels", status.labels) + CRIFormat.labelLines("Annotations", status.annotations)
        return lines.joined(separator: "\n")
    }
}
