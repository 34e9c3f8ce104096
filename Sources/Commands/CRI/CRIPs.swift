import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri ps`: lists containers like `crictl ps` (running ones unless -a).
struct CRIPs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List containers.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Show all containers (default: running ones).") var all = false
    @Option(help: "Filter by container ID (prefix).") var id: String?
    @Option(help: "Filter by container name (regular expression).") var name: String?
    @Option(name: [.short, .customLong("pod")], help: "Filter by pod ID (prefix).") var pod: String?
    @Option(help: "Filter by image (name, reference or ID prefix).") var image: String?
    @Option(name: [.short, .long], help: "Filter by state: created, running, exited or unknown.") var state: String?
    @Option(help: ArgumentHelp("Filter by a key=value label (repeatable).", valueName: "key=value")) var label: [String] = []
    @Flag(name: [.short, .long], help: "Show the most recently created container (any state).") var latest = false
    @Option(name: [.customShort("n"), .long], help: "Show the last N recently created containers (any state).") var last: Int = 0
    @Flag(name: [.short, .long], help: "Only display container IDs.") var quiet = false
    @Flag(name: [.short, .long], help: "Verbose output.") var verbose = false
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Flag(name: .customLong("no-trunc"), help: "Show the full output.") var noTrunc = false

    static let states: [String: Runtime_V1_ContainerState] = [
        "created": .containerCreated, "running": .containerRunning, "exited": .containerExited,
        "unknown": .containerUnknown,
    ]

    func validate() throws {
        _ = try criLabelSelector(label)
        if let state, Self.states[Self.stateKey(state)] == nil {
            throw ValidationError("--state must be created, running, exited or unknown")
        }
        if let name { _ = try Regex(name) }
    }

    static func stateKey(_ text: String) -> String {
        let lower = text.lowercased()
        return lower.hasPrefix("container_") ? String(lower.dropFirst(10)) : lower
    }

    func run() async throws {
        var filter = Runtime_V1_ContainerFilter()
        filter.labelSelector = try criLabelSelector(label)
        if let state, let value = Self.states[Self.stateKey(state)] {
            filter.state.state = value
        } else if !all && !latest && last == 0 {
            filter.state.state = .containerRunning
        }
        let (listed, pods) = try await cri.withRuntime { client in
            (try await client.listContainers(filter), try await client.listPodSandbox())
        }
        let nameRegex = try name.map { try Regex($0) }
        var containers = listed.filter { container in
            criIDMatches(container.id, id) && criIDMatches(container.podSandboxID, pod)
                && (nameRegex.map { container.metadata.name.contains($0) } ?? true)
                && (image.map { Self.imageMatches(container, $0) } ?? true)
        }
        containers.sort { $0.createdAt > $1.createdAt }
        let keep = latest ? 1 : last
        if keep > 0 { containers = Array(containers.prefix(keep)) }
        if quiet {
            for container in containers { printOut(container.id) }
            return
        }
        switch output {
        case .json, .yaml:
            let response = Runtime_V1_ListContainersResponse.with { $0.containers = containers }
            printOut(CRIFormat.render(CRIFormat.json(response, template: .object([("containers", .array([CRIFormat.containerTemplate]))])), output))
        case .table where verbose:
            printOut(containers.map(Self.verboseText).joined(separator: "\n"))
        case .table:
            let podNames = Dictionary(pods.map { ($0.id, $0.metadata.name) }, uniquingKeysWith: { first, _ in first })
            let rows = containers.map { container in
                [CRIFormat.id(container.id, noTrunc: noTrunc), Self.imageColumn(container, noTrunc: noTrunc),
                 CRIFormat.age(nanos: container.createdAt), CRIFormat.containerState(container.state),
                 container.metadata.name, String(container.metadata.attempt),
                 CRIFormat.id(container.podSandboxID, noTrunc: noTrunc),
                 podNames[container.podSandboxID] ?? container.labels["io.kubernetes.pod.name"] ?? ""]
            }
            printOut(Table.render(
                headers: ["CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD"], rows: rows))
        }
    }

    static func imageMatches(_ container: Runtime_V1_Container, _ image: String) -> Bool {
        let candidates = [container.image.image, container.image.userSpecifiedImage, container.imageRef, container.imageID]
        return candidates.contains { !$0.isEmpty && ($0 == image || $0.hasPrefix(image) || $0.hasPrefix("sha256:" + image)) }
    }

    /// The image as the user named it; IDs and digests truncated like crictl's.
    static func imageColumn(_ container: Runtime_V1_Container, noTrunc: Bool) -> String {
        let name = container.image.userSpecifiedImage.isEmpty ? container.image.image : container.image.userSpecifiedImage
        if name.hasPrefix("sha256:") || (name.count == 64 && name.allSatisfy(\.isHexDigit)) {
            return CRIFormat.imageID(name, noTrunc: noTrunc)
        }
        return name
    }

    static func verboseText(_ container: Runtime_V1_Container) -> String {
        var lines = [
            "ID: \(container.id)", "PodID: \(container.podSandboxID)", "Name: \(container.metadata.name)",
            "Attempt: \(container.metadata.attempt)", "State: \(Runtime_V1_ContainerState.name(container.state))",
            "Image: \(container.image.image)", "Created: \(RFC3339.format(Timestamp(unixNanos: container.createdAt)))",
        ]
        lines += CRIFormat.labelLines("Labels", container.labels) + CRIFormat.labelLines("Annotations", container.annotations)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Runtime_V1_ContainerState {
    /// The proto name, as crictl's verbose output prints it.
    static func name(_ state: Runtime_V1_ContainerState) -> String {
        switch state {
        case .containerCreated: return "CONTAINER_CREATED"
        case .containerRunning: return "CONTAINER_RUNNING"
        case .containerExited: return "CONTAINER_EXITED"
        default: return "CONTAINER_UNKNOWN"
        }
    }
}
