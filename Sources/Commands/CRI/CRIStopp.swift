import ArgumentParser
import CRIClient
import Core

/// `ctr cri stopp ID…`: stops pod sandboxes.
struct CRIStopp: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stopp", abstract: "Stop one or more running pods.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Argument(help: "Pod IDs.", completion: .custom(CRICompletions.pods)) var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("ID cannot be empty") }
    }

    func run() async throws {
        try await cri.withRuntime(.lifecycle) { client in
            try await forEachCRIObject(ids, "stopping the pod sandbox") { id in
                try await client.stopPodSandbox(id)
                printOut("Stopped sandbox \(id)")
            }
        }
    }
}
