import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri update ID…`: changes a container's Linux resources; flags not given keep their
/// current values.
struct CRIUpdate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Update one or more running containers.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: .customLong("cpu-period"), help: "CPU CFS period in microseconds.") var cpuPeriod: Int64?
    @Option(name: .customLong("cpu-quota"), help: "CPU CFS quota in microseconds.") var cpuQuota: Int64?
    @Option(name: .customLong("cpu-share"), help: "CPU shares (relative weight).") var cpuShare: Int64?
    @Option(name: .customLong("cpuset-cpus"), help: "CPUs in which to allow execution (0-3, 0,1).") var cpusetCpus: String?
    @Option(name: .customLong("cpuset-mems"), help: "Memory nodes in which to allow execution (0-3, 0,1).") var cpusetMems: String?
    @Option(name: .customLong("memory"), help: ArgumentHelp("Memory limit in bytes (k, m, g suffixes allowed).", valueName: "bytes"))
    var memory: String?
    @Argument(help: "Container IDs.", completion: .custom(CRICompletions.containers)) var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("ID cannot be empty") }
        if let memory { _ = try Self.bytes(memory) }
        if cpuPeriod == nil && cpuQuota == nil && cpuShare == nil && cpusetCpus == nil && cpusetMems == nil && memory == nil {
            throw ValidationError("nothing to update: give at least one resource flag")
        }
    }

    static func bytes(_ text: String) throws -> Int64 {
        let lower = text.lowercased()
        let units: [(String, Int64)] = [("gb", 1 << 30), ("g", 1 << 30), ("mb", 1 << 20), ("m", 1 << 20),
                                        ("kb", 1 << 10), ("k", 1 << 10), ("b", 1)]
        for (suffix, scale) in units where lower.hasSuffix(suffix) {
            if let value = Int64(lower.dropLast(suffix.count)), value >= 0 { return value * scale }
        }
        guard let value = Int64(lower), value >= 0 else { throw ValidationError("--memory: invalid size \"\(text)\"") }
        return value
    }

    func run() async throws {
        let memoryLimit = try memory.map(Self.bytes)
        try await cri.withRuntime(.lifecycle) { client in
            try await forEachCRIObject(ids, "updating the container resources of") { id in
                var resources = try await client.containerStatus(id, verbose: false).status.resources.linux
                if let cpuPeriod { resources.cpuPeriod = cpuPeriod }
                if let cpuQuota { resources.cpuQuota = cpuQuota }
                if let cpuShare { resources.cpuShares = cpuShare }
                if let cpusetCpus { resources.cpusetCpus = cpusetCpus }
                if let cpusetMems { resources.cpusetMems = cpusetMems }
                if let memoryLimit { resources.memoryLimitInBytes = memoryLimit }
                try await client.updateContainerResources(id, linux: resources)
                printOut(id)
            }
        }
    }
}
