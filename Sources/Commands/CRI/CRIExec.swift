import API
import ArgumentParser
import CRIClient
import Core
import Streaming

/// `ctr cri exec`: runs a command in a container. With -s/--sync it uses ExecSync and exits with
/// the command's status; interactive exec needs the runtime's streaming server.
struct CRIExec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command in a running container.",
        discussion: """
            With -s, --timeout (the CRI option) also bounds the command, as crictl's exec --timeout does; \
            without it the command may run as long as it needs.
            """)

    @OptionGroup(title: "CRI Options") var cri: CRIStreamOptions
    @Flag(name: [.short, .long], help: "Run the command synchronously (ExecSync).") var sync = false
    @Flag(name: [.short, .long], help: "Allocate a TTY (streaming exec).") var tty = false
    @Flag(name: [.short, .long], help: "Keep stdin open (streaming exec).") var interactive = false
    @Flag(name: .customLong("url-only"), help: "Print the stream URL the runtime returned instead of connecting to it.")
    var urlOnly = false
    @Option(name: .long, help: "The streaming protocol: spdy or websocket.") var transport: StreamConnection.Transport = .spdy
    @Argument(help: "The container ID.", completion: .custom(CRICompletions.containers)) var id: String
    @Argument(parsing: .captureForPassthrough, help: "The command and its arguments.") var command: [String] = []

    func validate() throws {
        if command.isEmpty { throw ValidationError("command is required") }
        if sync && (tty || interactive) { throw ValidationError("-s/--sync cannot be used with --tty or --interactive") }
    }

    func run() async throws {
        guard sync else {
            let request = Runtime_V1_ExecRequest.with {
                $0.containerID = id
                $0.cmd = command
                $0.tty = tty
                $0.stdin = interactive
                $0.stdout = true
                $0.stderr = !tty
            }
            let url = try await cri.withRuntime { client in try await client.exec(request) }
            if urlOnly { return StandardOutput.write(Array((url + "\n").utf8)) }
            try await CRIStreaming.remoteCommand(url: url, transport: transport, stdin: interactive, tty: tty)
            return
        }
        let limit = try cri.explicitTimeout
        let seconds = limit.map { Int64(($0 + .nanoseconds(999_999_999)).components.seconds) } ?? 0
        let response = try await cri.withRuntime(limit == nil ? .none : .extended(.seconds(2))) { client in
            try await client.execSync(id, command: command, timeout: seconds)
        }
        StandardOutput.write(Array(response.stdout))
        _ = FileIO.writeAll(2, Array(response.stderr)[...])
        if response.exitCode != 0 { throw ExitCode(response.exitCode) }
    }
}

extension StreamConnection.Transport: ExpressibleByArgument {}

/// The streaming calls (exec, attach): connect to the URL the runtime returned, join the local
/// terminal or pipes to the remote process, and exit with its exit code.
enum CRIStreaming {
    static func remoteCommand(url: String, transport: StreamConnection.Transport, stdin: Bool, tty: Bool) async throws {
        let outcome = try await BlockingThread.run { () throws -> RemoteCommand.Outcome in
            let connection = try StreamConnection(url: url, transport: transport,
                                                  protocols: RemoteCommandClient.protocols(transport))
            return try RemoteCommandClient(stdin: stdin, stdout: true, stderr: !tty, tty: tty).run(connection)
        }
        switch outcome {
        case .success: return
        case .exit(let code): throw ExitCode(code)
        case .failure(let message): throw CtrError(.unknown, message)
        }
    }
}
