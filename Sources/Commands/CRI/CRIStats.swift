import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri stats`: container resource usage like `crictl stats`.
struct CRIStats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats", abstract: "List container resource usage statistics.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Show all containers (default: running ones).") var all = false
    @Option(help: "Filter by container ID (prefix).") var id: String?
    @Option(name: [.short, .customLong("pod")], help: "Filter by pod ID (prefix).") var pod: String?
    @Option(help: ArgumentHelp("Filter by a key=value label (repeatable).", valueName: "key=value")) var label: [String] = []
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table
    @Flag(name: [.short, .long], help: "Watch: refresh the table every second.") var watch = false

    func validate() throws { _ = try criLabelSelector(label) }

    func run() async throws {
        var filter = Runtime_V1_ContainerStatsFilter()
        filter.labelSelector = try criLabelSelector(label)
        try await cri.withRuntime { client in
            var previous = try await sample(client, filter)
            if output != .table {
                printOut(CRIFormat.render(CRIFormat.json(Runtime_V1_ListContainerStatsResponse.with { $0.stats = previous }), output))
                return
            }
            repeat {
                try await Task.sleep(for: .seconds(1))
                let current = try await sample(client, filter)
                if watch { printOut("\u{1B}[H\u{1B}[2J") }
                printOut(table(current, before: previous))
                flushStandardOutput()
                previous = current
            } while watch
        }
    }

    func sample(_ client: CRIClient, _ filter: Runtime_V1_ContainerStatsFilter) async throws -> [Runtime_V1_ContainerStats] {
        var stats = try await client.listContainerStats(filter)
        stats = stats.filter { criIDMatches($0.attributes.id, id) }
        if pod != nil || !all {
            let containers = try await client.listContainers()
            let keep = Set(containers.filter { container in
                criIDMatches(container.podSandboxID, pod) && (all || container.state == .containerRunning)
            }.map(\.id))
            stats = stats.filter { keep.contains($0.attributes.id) }
        }
        return stats
    }

    func table(_ stats: [Runtime_V1_ContainerStats], before: [Runtime_V1_ContainerStats]) -> String {
        let rows = stats.map { stats -> [String] in
            let earlier = before.first { $0.attributes.id == stats.attributes.id }
            return [CRIFormat.id(stats.attributes.id, noTrunc: false), stats.attributes.metadata.name,
                    CRIStatsMath.cpuPercent(stats.cpu, before: earlier?.cpu),
                    CRIFormat.size(stats.memory.workingSetBytes.value),
                    CRIFormat.size(stats.writableLayer.usedBytes.value),
                    String(stats.writableLayer.inodesUsed.value),
                    CRIFormat.size(stats.swap.swapUsageBytes.value)]
        }
        return Table.render(headers: ["CONTAINER", "NAME", "CPU %", "MEM", "DISK", "INODES", "SWAP"], rows: rows)
    }
}
