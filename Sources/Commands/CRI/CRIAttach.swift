import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri attach ID`: joins the terminal to a running container's output (and stdin with -i).
struct CRIAttach: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach", abstract: "Attach to a running container.")

    @OptionGroup(title: "CRI Options") var cri: CRIStreamOptions
    @Flag(name: [.short, .long], help: "Stdin is a TTY.") var tty = false
    @Flag(name: [.short, .long], help: "Keep stdin open.") var interactive = false
    @Flag(name: .customLong("url-only"), help: "Print the stream URL the runtime returned instead of connecting to it.")
    var urlOnly = false
    @Option(name: .long, help: "The streaming protocol: spdy or websocket.") var transport: StreamConnection.Transport = .spdy
    @Argument(help: "The container ID.", completion: .custom(CRICompletions.containers)) var id: String

    func run() async throws {
        let request = Runtime_V1_AttachRequest.with {
            $0.containerID = id
            $0.tty = tty
            $0.stdin = interactive
            $0.stdout = true
            $0.stderr = !tty
        }
        let url = try await cri.withRuntime { client in try await client.attach(request) }
        if urlOnly { return StandardOutput.write(Array((url + "\n").utf8)) }
        try await CRIStreaming.remoteCommand(url: url, transport: transport, stdin: interactive, tty: tty)
    }
}
