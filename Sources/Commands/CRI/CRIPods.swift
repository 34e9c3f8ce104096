import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri pods`: lists pod sandboxes like `crictl pods`.
struct CRIPods: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pods", abstract: "List pods.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(help: "Filter by pod ID (prefix).") var id: String?
    @Option(help: "Filter by pod name (regular expression).") var name: String?
    @Option(help: "Filter by pod namespace (regular expression).") var namespace: String?
    @Option(name: [.short, .long], help: "Filter by pod state: ready or notready.") var state: String?
    @Option(help: ArgumentHelp("Filter by a key=value label (repeatable).", valueName: "key=value")) var label: [String] = []
    @Flag(name: [.short, .long], help: "Show the most recently created pod.") var latest = false
    @Option(name: [.customShort("n"), .long], help: "Show the last N recently created pods.") var last: Int = 0
    @Flag(name: [.short, .long], help: "Only display pod IDs.") var quiet = false
    @Flag(name: [.short, .long], help: "Verbose output.") var verbose = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Flag(name: .customLong("no-trunc"), help: "Show the full output.") var noTrunc = false

    func validate() throws {
        _ = try criLabelSelector(label)
        if let state, !["ready", "notready", "sandbox_ready", "sandbox_notready"].contains(state.lowercased()) {
            throw ValidationError("--state must be ready or notready")
        }
        if let name { _ = try Regex(name) }
        if let namespace { _ = try Regex(namespace) }
    }

    func run() async throws {
        var filter = Runtime_V1_PodSandboxFilter()
        filter.labelSelector = try criLabelSelector(label)
        if let state {
            filter.state.state = state.lowercased().hasSuffix("notready") ? .sandboxNotready : .sandboxReady
        }
        var pods = try await cri.withRuntime { try await $0.listPodSandbox(filter) }
        let nameRegex = try name.map { try Regex($0) }
        let namespaceRegex = try namespace.map { try Regex($0) }
        pods = pods.filter { pod in
            criIDMatches(pod.id, id)
                && (nameRegex.map { pod.metadata.name.contains($0) } ?? true)
                && (namespaceRegex.map { pod.metadata.namespace.contains($0) } ?? true)
        }
        pods.sort { $0.createdAt > $1.createdAt }
        let keep = latest ? 1 : last
        if keep > 0 { pods = Array(pods.prefix(keep)) }
        if quiet {
            for pod in pods { printOut(pod.id) }
            return
        }
        switch output {
        case .json, .yaml:
            let response = Runtime_V1_ListPodSandboxResponse.with { $0.items = pods }
            printOut(CRIFormat.render(CRIFormat.json(response, template: .object([("items", .array([CRIFormat.podTemplate]))])), output))
        case .table where verbose:
            printOut(pods.map(Self.verboseText).joined(separator: "\n"))
        case .table:
            let rows = pods.map { pod in
                [CRIFormat.id(pod.id, noTrunc: noTrunc), CRIFormat.age(nanos: pod.createdAt), CRIFormat.podState(pod.state),
                 pod.metadata.name, pod.metadata.namespace, String(pod.metadata.attempt),
                 pod.runtimeHandler.isEmpty ? "(default)" : pod.runtimeHandler]
            }
            printOut(Table.render(headers: ["POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"],
                                  rows: rows))
        }
    }

    static func verboseText(_ pod: Runtime_V1_PodSandbox) -> String {
        var lines = [
            "ID: \(pod.id)", "Name: \(pod.metadata.name)", "UID: \(pod.metadata.uid)",
            "Namespace: \(pod.metadata.namespace)", "Attempt: \(pod.metadata.attempt)",
            "Status: \(pod.state == .sandboxReady ? "SANDBOX_READY" : "SANDBOX_NOTREADY")",
            "Created: \(RFC3339.format(Timestamp(unixNanos: pod.createdAt)))",
        ]
        if !pod.runtimeHandler.isEmpty { lines.append("Runtime: \(pod.runtimeHandler)") }
        lines += CRIFormat.labelLines("Labels", pod.labels) + CRIFormat.labelLines("Annotations", pod.annotations)
        return lines.joined(separator: "\n") + "\n"
    }
}
