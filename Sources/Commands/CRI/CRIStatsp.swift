import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri statsp`: pod resource usage.
struct CRIStatsp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "statsp", abstract: "List pod resource usage statistics.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(help: "Filter by pod ID (prefix).") var id: String?
    @Option(help: ArgumentHelp("Filter by a key=value label (repeatable).", valueName: "key=value")) var label: [String] = []
    @Option(name: [.short, .customLong("output")], help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func validate() throws { _ = try criLabelSelector(label) }

    func run() async throws {
        var filter = Runtime_V1_PodSandboxStatsFilter()
        filter.labelSelector = try criLabelSelector(label)
        let (first, second) = try await cri.withRuntime { client in
            let first = try await client.listPodSandboxStats(filter).filter { criIDMatches($0.attributes.id, id) }
            guard output == .table, !first.isEmpty else { return (first, first) }
            // CPU % needs two samples, as crictl takes them.
            try await Task.sleep(for: .seconds(1))
            return (first, try await client.listPodSandboxStats(filter).filter { criIDMatches($0.attributes.id, id) })
        }
        if output != .table {
            printOut(CRIFormat.render(CRIFormat.json(Runtime_V1_ListPodSandboxStatsResponse.with { $0.stats = first }), output))
            return
        }
        let rows = second.map { stats -> [String] in
            let before = first.first { $0.attributes.id == stats.attributes.id }
            let cpu = CRIStatsMath.cpuPercent(stats.linux.cpu, before: before?.linux.cpu)
            return [stats.attributes.metadata.name, CRIFormat.id(stats.attributes.id, noTrunc: false), cpu,
                    CRIFormat.size(stats.linux.memory.workingSetBytes.value)]
        }
        printOut(Table.render(headers: ["POD", "POD ID", "CPU %", "MEM"], rows: rows))
    }
}

/// CPU percentages from cumulative usage, as crictl computes them.
enum CRIStatsMath {
    static func cpuPercent(_ now: Runtime_V1_CpuUsage, before: Runtime_V1_CpuUsage?) -> String {
        if let before, now.timestamp > before.timestamp,
           now.usageCoreNanoSeconds.value >= before.usageCoreNanoSeconds.value
        {
            let used = Double(now.usageCoreNanoSeconds.value - before.usageCoreNanoSeconds.value)
            return percent(used / Double(now.timestamp - before.timestamp) * 100)
        }
        if now.hasUsageNanoCores { return percent(Double(now.usageNanoCores.value) / 1e7) }
        return "0.00"
    }

    static func percent(_ value: Double) -> String {
        let hundredths = Int64((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
