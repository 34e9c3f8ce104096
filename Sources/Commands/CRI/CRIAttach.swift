import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri attach ID`: asks the runtime for an attach stream (not served by this client yet).
struct CRIAttach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Attach to a running container.")

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Stdin is a TTY.") var tty = false
    @Flag(name: .long, help: "Keep stdin open (-i is --image-endpoint here).") var interactive = false
    @Argument(help: "The container ID.", completion: .custom(CRICompletions.containers)) var id: String

    func run() async throws {
        let request = Runtime_V1_AttachRequest.with {
            $0.containerID = id
            $0.tty = tty
            $0.stdin = interactive
            $0.stdout = true
            $0.stderr = !tty
        }
        let hint = "use \"ctr cri logs -f\" to follow the output"
        let url = try await cri.withRuntime { client in
            try await CRIStreaming.url("attach", hint: hint) { try await client.attach(request) }
        }
        throw CRIStreaming.unsupported("attach", url: url, hint: hint)
    }
}
