import ArgumentParser
import CRIClient
import Core

/// `ctr cri start ID…`: starts created containers.
struct CRIStart: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Start one or more created containers.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Argument(help: "Container IDs.", completion: .custom(CRICompletions.containers)) var ids: [String]

    func validate() throws {
        if ids.isEmpty { throw ValidationError("ID cannot be empty") }
    }

    func run() async throws {
        try await cri.withRuntime(.lifecycle) { client in
            try await forEachCRIObject(ids, "starting the container") { id in
                try await client.startContainer(id)
                printOut(id)
            }
        }
    }
}
