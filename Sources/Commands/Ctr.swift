public import ArgumentParser
import Client
import Core
import Daemon
import Glibc

/// The root of the `ctr` command tree.
public struct Ctr: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ctr",
        abstract: "A containerd-compatible container runtime, daemon and CRI client in one binary.",
        discussion: """
            Client commands speak containerd's gRPC API and work against `ctr daemon` or containerd \
            (--address/-a, CONTAINERD_ADDRESS). `ctr cri` speaks the Kubernetes CRI to any runtime.
            """,
        version: "ctr \(CtrVersion.version)",
        subcommands: [
            DaemonCommand.self,
            VersionCommand.self,
            PluginsGroup.self,
            NamespacesGroup.self,
            ImagesGroup.self,
            ContentGroup.self,
            LeasesGroup.self,
            SnapshotsGroup.self,
            ContainersGroup.self,
            TasksGroup.self,
            RunCommand.self,
            OCIGroup.self,
            EventsCommand.self,
            CRIGroup.self,
            DoctorCommand.self,
            CompletionCommand.self,
            ShellCommand.self,
            ShimCommand.self,
        ]
    )

    public init() {}

    /// Runs the command named by the process arguments. `CtrError`s print as one line,
    /// `ctr: <message>`, and exit 1; argument errors print usage as ArgumentParser does.
    public static func execute() async {
        if CommandLine.arguments.dropFirst().first == CompletionRequest.word {
            await CompletionRequest.run(Array(CommandLine.arguments.dropFirst(2)))
            return
        }
        let arguments = Array(CommandLine.arguments.dropFirst())
        do {
            if let pool = EarlyConnection.start(arguments) {
                try await Connection.$pool.withValue(pool) { try await parseAndRun(arguments) }
                // Here, not back on the main actor: its queue would start a thread only to exit.
                Glibc.exit(0)
            } else {
                try await parseAndRun(arguments)
            }
        } catch let error as CtrError {
            printError("ctr: \(error)")
            Glibc.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

extension Ctr {
    /// Parses a command line (without the program name; global options anywhere) and runs the
    /// command: what `ctr` does once per process, and `ctr shell` once per line.
    static func parseAndRun(_ arguments: [String]) async throws {
        var command = try await asyncParseAsRoot(GlobalOptions.hoist(arguments))
        if var asyncCommand = command as? AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    }
}

/// Writes one line to stderr.
func printError(_ line: String) {
    let text = line.hasSuffix("\n") ? line : line + "\n"
    StandardError.write(text)
}
