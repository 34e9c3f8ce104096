import ArgumentParser
import API
import CRIClient
import Core

/// `ctr cri rmp ID…`: removes pod sandboxes (`-f` stops them first, `-a` removes all).
struct CRIRmp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rmp", abstract: "Remove one or more pods.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Force removal of the pod sandbox, disregarding if running.") var force = false
    @Flag(name: [.short, .long], help: "Remove all pods.") var all = false
    @Argument(help: "Pod IDs.", completion: .custom(CRICompletions.pods)) var ids: [String] = []

    func validate() throws {
        if ids.isEmpty && !all { throw ValidationError("ID cannot be empty") }
    }

    func run() async throws {
        try await cri.withRuntime(.lifecycle) { client in
            var targets = ids
            var ready: Set<String> = []
            let pods = try await client.listPodSandbox()
            if all { targets = pods.map(\.id) }
            for pod in pods where pod.state == .sandboxReady { ready.insert(pod.id) }
            try await forEachCRIObject(targets, "removing the pod sandbox") { id in
                let running = ready.contains { $0.hasPrefix(id) }
                if running {
                    guard force else {
                        throw CtrError.failedPrecondition("pod sandbox \(id) is running, please stop it first (or use -f)")
                    }
                    try await client.stopPodSandbox(id)
                }
                try await client.removePodSandbox(id)
                printOut("Removed sandbox \(id)")
            }
        }
    }
}
