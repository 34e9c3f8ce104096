import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri rm ID…`: removes containers (`-f` stops running ones first, `-a` removes all).
struct CRIRm: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove one or more containers.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Force removal of the container, disregarding if running.") var force = false
    @Flag(name: [.short, .long], help: "Remove all containers.") var all = false
    @Argument(help: "Container IDs.", completion: .custom(CRICompletions.containers)) var ids: [String] = []

    func validate() throws {
        if ids.isEmpty && !all { throw ValidationError("ID cannot be empty") }
    }

    func run() async throws {
        try await cri.withRuntime(.lifecycle) { client in
            let containers = try await client.listContainers()
            let targets = all ? containers.map(\.id) : ids
            let running = Set(containers.filter { $0.state == .containerRunning }.map(\.id))
            try await forEachCRIObject(targets, "removing the container") { id in
                if running.contains(where: { $0.hasPrefix(id) }) {
                    guard force else {
                        throw CtrError.failedPrecondition("container \(id) is running, please stop it first (or use -f)")
                    }
                    try await client.stopContainer(id, timeout: 0)
                }
                try await client.removeContainer(id)
                printOut(id)
            }
        }
    }
}
