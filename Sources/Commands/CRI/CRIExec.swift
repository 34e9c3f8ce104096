import API
import ArgumentParser
import CRIClient
import Core

/// `ctr cri exec`: runs a command in a container. With -s/--sync it uses ExecSync and exits with
/// the command's status; interactive exec needs the runtime's streaming server.
struct CRIExec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec", abstract: "Run a command in a running container.",
        discussion: """
            With -s, --timeout (the CRI option) also bounds the command, as crictl's exec --timeout does; \
            without it the command may run as long as it needs.
            """)

    @OptionGroup(title: "CRI Options") var cri: CRIOptions
    @Flag(name: [.short, .long], help: "Run the command synchronously (ExecSync).") var sync = false
    @Flag(name: [.short, .long], help: "Allocate a TTY (streaming exec).") var tty = false
    @Flag(name: .long, help: "Keep stdin open (streaming exec; -i is --image-endpoint here).") var interactive = false
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
            let hint = "use -s/--sync to run the command without a terminal"
            let url = try await cri.withRuntime { client in
                try await CRIStreaming.url("exec", hint: hint) { try await client.exec(request) }
            }
            throw CRIStreaming.unsupported("exec", url: url, hint: hint)
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

/// The streaming calls (exec, attach, port-forward): this client cannot speak the streaming
/// protocol yet, so it reports what the runtime answered.
enum CRIStreaming {
    static func url(_ verb: String, hint: String, _ body: () async throws -> String) async throws -> String {
        do {
            return try await body()
        } catch let error as CtrError where error.code == .unimplemented {
            throw CtrError(.unimplemented, "\(verb): the runtime does not serve streaming \(verb) (no streaming server): \(hint)")
        }
    }

    static func unsupported(_ verb: String, url: String, hint: String) -> CtrError {
        CtrError(.unimplemented, "\(verb): the runtime serves the stream at \(url), but ctr cri cannot connect to "
            + "streaming URLs yet: \(hint)")
    }
}
