import ArgumentParser
import CRIClient
import Core

/// `ctr cri stop ID…`: stops running containers. crictl's `--timeout` is `-t/--stop-timeout` here,
/// since `--timeout` is the call deadline of every `ctr cri` command.
struct CRIStop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stop", abstract: "Stop one or more running containers.",
        discussion: "-t/--stop-timeout is crictl's stop --timeout: seconds to wait before killing the container.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Option(name: [.customShort("t"), .customLong("stop-timeout")], help: ArgumentHelp(
        "Seconds to wait before killing the container (crictl's stop --timeout).", valueName: "seconds"))
    var stopTimeout: Int64 = 0
    @Flag(name: [.short, .long], help: "Stop all running containers.") var all = false
    @Argument(help: "Container IDs.", completion: .custom(CRICompletions.containers)) var ids: [String] = []

    func validate() throws {
        if ids.isEmpty && !all { throw ValidationError("ID cannot be empty") }
        if stopTimeout < 0 { throw ValidationError("--stop-timeout must not be negative") }
    }

    func run() async throws {
        // The grace period on top of the call deadline, as crictl does.
        try await cri.withRuntime(.extended(.seconds(stopTimeout) + .seconds(120))) { client in
            var targets = ids
            if all {
                targets = try await client.listContainers(.with { $0.state.state = .containerRunning }).map(\.id)
            }
            try await forEachCRIObject(targets, "stopping the container") { id in
                try await client.stopContainer(id, timeout: stopTimeout)
                printOut(id)
            }
        }
    }
}
